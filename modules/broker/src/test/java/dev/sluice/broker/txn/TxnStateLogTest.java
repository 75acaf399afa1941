package dev.sluice.broker.txn;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.group.offset.SnapshotPolicy;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code __transaction_state} stays bounded (#12: "kept bounded like {@code __consumer_offsets}"): a
 * coordinator writing many states of a few transactional ids snapshots the live states at the log end
 * and moves the log start there, so the partition holds about a segment or two whatever the number of
 * transactions; a coordinator loading the partition afterwards (a restart, a failover) finds exactly
 * the latest state of each id, and an id removed by expiry (a tombstone) does not come back.
 */
class TxnStateLogTest {
    private static final int SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Time clock = new Time() {
        @Override
        public long milliseconds() {
            return now.get();
        }

        @Override
        public long nanoseconds() {
            return now.get() * 1_000_000;
        }
    };
    private final LogConfig config = LogConfig.DEFAULT.withSegmentBytes(SEGMENT_BYTES).withRetentionMs(-1)
            .withRetentionBytes(-1).withIndex(4096, 8192);
    private LogStorageEngine engine;

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private TxnStateLog stateLog() {
        return new TxnStateLog(engine, config, new SnapshotPolicy(SEGMENT_BYTES, 3_600_000, 4096), TxnStateLog.Replication.IMMEDIATE,
                clock);
    }

    private static TxnMetadata state(String id, int round, TxnState txnState) {
        Set<TopicPartition> partitions = txnState == TxnState.ONGOING || txnState == TxnState.PREPARE_COMMIT
                ? Set.of(new TopicPartition("orders", round % 3), new TopicPartition("payments", 0)) : Set.of();
        return new TxnMetadata(id, 1000 + id.hashCode() % 100, -1, (short) (round % 30_000), (short) -1, 60_000, txnState,
                partitions, 1_000 + round, 2_000 + round);
    }

    private static void write(TxnStateLog log, String id, TxnMetadata state) {
        List<Errors> answers = new ArrayList<>();
        log.write(0, id, state, answers::add);
        assertThat(answers).containsExactly(Errors.NONE);
    }

    @Test
    void manyTransactionsLeaveABoundedPartitionThatLoadsTheLatestStates() {
        engine = LogStorageProviders.byName("file").open(dir.resolve("data"), Map.of(), clock);
        TxnStateLog log = stateLog();
        assertThat(log.load(0)).isEmpty();
        List<String> ids = List.of("app-a", "app-b", "app-c", "app-d", "app-e");
        TxnState[] cycle = {TxnState.ONGOING, TxnState.PREPARE_COMMIT, TxnState.COMPLETE_COMMIT};
        Map<String, TxnMetadata> latest = new HashMap<>();
        int writes = 0;
        for (int round = 0; round < 600; round++) {
            for (String id : ids) {
                TxnMetadata s = state(id, round, cycle[(round + id.length()) % cycle.length]);
                write(log, id, s);
                latest.put(id, s);
                writes++;
            }
            now.addAndGet(10);
        }
        write(log, "app-e", null); // expired: a tombstone
        latest.remove("app-e");

        LogStorage partition = engine.open(new TopicPartition(TxnStateLog.TOPIC, 0), config);
        assertThat(partition.logEndOffset()).isGreaterThan(writes);
        assertThat(partition.logStartOffset()).as("snapshots moved the log start").isGreaterThan(writes - 1_000);
        assertThat(partition.sizeInBytes()).as("about a segment or two, not %d writes", writes).isLessThan(3L * SEGMENT_BYTES);

        log.unload(0);
        Map<String, TxnMetadata> reloaded = stateLog().load(0);
        assertThat(reloaded).isEqualTo(latest);
    }

    @Test
    void aReopenedEngineLoadsTheSameStates() {
        engine = LogStorageProviders.byName("file").open(dir.resolve("data"), Map.of(), clock);
        TxnStateLog log = stateLog();
        log.load(0);
        Map<String, TxnMetadata> latest = new HashMap<>();
        for (int round = 0; round < 600; round++) {
            String id = "app-" + (round % 7);
            TxnMetadata s = state(id, round, round % 2 == 0 ? TxnState.ONGOING : TxnState.COMPLETE_ABORT);
            write(log, id, s);
            latest.put(id, s);
        }
        write(log, "app-3", null);
        latest.remove("app-3");
        engine.close();

        engine = LogStorageProviders.byName("file").open(dir.resolve("data"), Map.of(), clock);
        assertThat(stateLog().load(0)).isEqualTo(latest);
    }
}

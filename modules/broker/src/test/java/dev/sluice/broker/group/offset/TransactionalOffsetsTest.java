package dev.sluice.broker.group.offset;

import dev.sluice.api.Time;
import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Offsets committed in a transaction stay pending until its marker: in memory through the marker
 * hook, and on replay where the control batch lies in {@code __consumer_offsets}.
 */
class TransactionalOffsetsTest {
    private static final long PRODUCER = 4000;

    @TempDir
    Path dir;

    private final Time clock = Time.SYSTEM;
    private final TopicPartition orders = new TopicPartition("orders", 0);
    private final LogConfig config = LogConfig.DEFAULT.withRetentionMs(-1).withRetentionBytes(-1);
    private LogStorageEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private LogOffsetStore open() {
        if (engine != null) {
            engine.close();
        }
        engine = LogStorageProviders.byName("file").open(dir.resolve("data"), Map.of(), clock);
        return LogOffsetStore.open(engine, 1, config, new SnapshotPolicy(1 << 20, 3_600_000, 1 << 16), clock);
    }

    private static CommittedOffset offset(long value) {
        return new CommittedOffset(value, 0, "", 1, -1);
    }

    /** A control batch as the partition leader writes it: key int16 version 0 | int16 type (0 abort, 1 commit). */
    private void appendMarker(long producerId, boolean commit) {
        byte[] key = ByteBuffer.allocate(4).putShort((short) 0).putShort((short) (commit ? 1 : 0)).array();
        byte[] value = ByteBuffer.allocate(6).putShort((short) 0).putInt(0).array();
        ByteBuffer batch = new RecordBatchBuilder(null).producer(producerId, (short) 0, -1).transactional(true)
                .control(true).append(1, key, value).build();
        engine.open(new TopicPartition(LogOffsetStore.TOPIC, 0), config).append(batch);
    }

    @Test
    void pendingOffsetsAreInvisibleUntilTheCommitMarkerThenReplace() {
        LogOffsetStore store = open();
        store.commit("g", Map.of(orders, offset(5)));
        store.commitPending("g", PRODUCER, Map.of(orders, offset(9)));

        assertThat(store.fetch("g", orders)).contains(offset(5));
        assertThat(store.hasPending("g", orders)).isTrue();

        store.transactionCompleted(0, PRODUCER, true);
        assertThat(store.fetch("g", orders)).contains(offset(9));
        assertThat(store.hasPending("g", orders)).isFalse();
    }

    @Test
    void anAbortMarkerDropsThePendingOffsets() {
        LogOffsetStore store = open();
        store.commit("g", Map.of(orders, offset(5)));
        store.commitPending("g", PRODUCER, Map.of(orders, offset(9)));

        store.transactionCompleted(0, PRODUCER, false);

        assertThat(store.fetch("g", orders)).contains(offset(5));
        assertThat(store.hasPending("g", orders)).isFalse();
    }

    @Test
    void replayAppliesTheMarkersFoundInTheLogAndKeepsOpenTransactionsPending() {
        LogOffsetStore store = open();
        store.commitPending("committed", PRODUCER, Map.of(orders, offset(7)));
        store.commitPending("aborted", PRODUCER + 1, Map.of(orders, offset(8)));
        store.commitPending("open", PRODUCER + 2, Map.of(orders, offset(9)));
        appendMarker(PRODUCER, true);
        appendMarker(PRODUCER + 1, false);

        LogOffsetStore reopened = open();

        assertThat(reopened.fetch("committed", orders)).contains(offset(7));
        assertThat(reopened.fetch("aborted", orders)).isEmpty();
        assertThat(reopened.fetch("open", orders)).isEmpty();
        assertThat(reopened.hasPending("open", orders)).isTrue();
        // the open transaction's commit still works after the reload
        reopened.transactionCompleted(0, PRODUCER + 2, true);
        assertThat(reopened.fetch("open", orders)).contains(offset(9));
    }
}

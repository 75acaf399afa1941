package dev.sluice.broker.group.offset;

import dev.sluice.api.Time;
import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots of the live offsets keep {@code __consumer_offsets} bounded, and a store reopened on
 * the same log (after a clean close, or after dying part-way through a snapshot) has exactly the
 * live state: latest offsets and metadata, nothing deleted coming back.
 */
class LogOffsetStoreSnapshotTest {
    private static final int SEGMENT_BYTES = 16 * 1024;
    private static final long HOUR_MS = 3_600_000;

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
    private final TopicPartition tp0 = new TopicPartition("orders", 0);
    private final TopicPartition tp1 = new TopicPartition("orders", 1);
    private final LogConfig config = LogConfig.DEFAULT.withSegmentBytes(SEGMENT_BYTES).withRetentionMs(-1)
            .withRetentionBytes(-1).withIndex(4096, 8192);
    private LogStorageEngine engine;

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private LogOffsetStore open(LogStorageEngine logs, SnapshotPolicy policy) {
        return LogOffsetStore.open(logs, 1, config, policy, clock);
    }

    private LogStorageEngine fileEngine() {
        return LogStorageProviders.byName("file").open(dir.resolve("data"), Map.of(), clock);
    }

    private LogStorage offsetsLog() {
        return engine.open(new TopicPartition(LogOffsetStore.TOPIC, 0), config);
    }

    private CommittedOffset offset(long value) {
        return new CommittedOffset(value, 3, "m" + value, now.get(), -1);
    }

    /** Everything a store knows, for comparing two stores. */
    private static Map<String, Object> state(LogOffsetStore store) {
        Map<String, Object> state = new HashMap<>();
        for (String group : store.groups()) {
            state.put("offsets " + group, store.fetchAll(group));
        }
        store.loadGroupMetadata().forEach((group, bytes) ->
                state.put("metadata " + group, new String(bytes, StandardCharsets.UTF_8)));
        return state;
    }

    @Test
    void manyCommitsToFewKeysKeepTheLogSmallAndAReopenedStoreHasTheLiveState() {
        engine = fileEngine();
        LogOffsetStore store = open(engine, new SnapshotPolicy(SEGMENT_BYTES, HOUR_MS, 1024));
        store.commit("doomed", Map.of(tp0, offset(1)));
        store.storeGroupMetadata("doomed", "doomed-gen-1".getBytes(StandardCharsets.UTF_8));
        store.commit("b", Map.of(tp0, offset(1), tp1, offset(1)));
        for (int i = 0; i < 2000; i++) {
            store.commit("a", Map.of(tp0, offset(i)));
            store.commit("b", Map.of(tp0, offset(i)));
            if (i == 100) {
                store.deleteGroup("doomed");
                store.delete("b", Set.of(tp1));
                store.storeGroupMetadata("a", "a-gen-5".getBytes(StandardCharsets.UTF_8));
            }
            // the bound: what triggers a snapshot, the partial segment it starts in, and the snapshot itself
            assertThat(offsetsLog().sizeInBytes()).isLessThanOrEqualTo(3L * SEGMENT_BYTES);
        }
        assertThat(offsetsLog().logStartOffset()).isPositive();
        Map<String, Object> expected = state(store);
        assertThat(expected).containsOnlyKeys("offsets a", "offsets b", "metadata a");
        assertThat(store.fetchAll("b")).containsOnlyKeys(tp0);
        assertThat(store.fetch("a", tp0)).contains(offset(1999));

        store.close();
        engine.close();
        engine = fileEngine();
        assertThat(state(open(engine, new SnapshotPolicy(SEGMENT_BYTES, HOUR_MS, 1024)))).isEqualTo(expected);
    }

    @Test
    void aSnapshotCutShortLeavesTheOlderRecordsInChargeAndTheNextOneCompletes() {
        engine = fileEngine();
        FailingLog failing = new FailingLog(offsetsLog());
        LogStorageEngine logs = new SingleLogEngine(engine, failing);
        // only the clock triggers snapshots here; 200-byte batches make a snapshot several appends
        SnapshotPolicy policy = new SnapshotPolicy(Long.MAX_VALUE / 2, HOUR_MS, 200);
        LogOffsetStore store = open(logs, policy);
        for (int g = 0; g < 10; g++) {
            store.commit("group-" + g, Map.of(tp0, offset(g), tp1, offset(100 + g)));
            store.storeGroupMetadata("group-" + g, ("gen-" + g).getBytes(StandardCharsets.UTF_8));
        }
        store.deleteGroup("group-9");
        now.addAndGet(HOUR_MS);
        // append 1: the commit; 2: the snapshot's first batch; 3: its second batch, which "crashes"
        failing.failAppend(3);
        store.commit("group-0", Map.of(tp0, offset(42)));
        Map<String, Object> expected = state(store);
        assertThat(expected).doesNotContainKeys("offsets group-9", "metadata group-9").containsKey("metadata group-8");
        assertThat(failing.logStartOffset()).as("an incomplete snapshot does not move the log start").isZero();

        // the broker "died" there: a new store replays the old records, then the partial snapshot
        LogOffsetStore reopened = open(logs, policy);
        assertThat(state(reopened)).isEqualTo(expected);

        // the next snapshot completes: the log start moves past everything before it
        now.addAndGet(HOUR_MS);
        reopened.commit("group-1", Map.of(tp1, offset(7)));
        expected = state(reopened);
        long start = failing.logStartOffset();
        assertThat(start).isPositive();
        assertThat(state(open(logs, policy))).isEqualTo(expected);
    }
}

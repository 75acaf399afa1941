package dev.sluice.storage.testkit;

import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.CleanableSection;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Log compaction ({@link LogCompaction}), for a backend that offers it: the latest record of each
 * key is kept with its offset and order, nothing at or after the cleanable end (active segment,
 * upper bound, min.compaction.lag.ms) is touched, batches stay v2 with their leader epochs and
 * producers, each producer's last batch stays, tombstones go after delete.retention.ms, a cleaning
 * cut short changes nothing, and the first dirty offset survives a restart.
 */
public abstract class CompactionContract extends LogStorageContractSupport {
    private static final long DAY = 24L * 60 * 60 * 1000;

    /** Small segments, so a file backend has many old segments and an active one. */
    @Override
    protected LogConfig config() {
        return super.config().withSegmentBytes(1024);
    }

    private LogCompaction compaction(LogStorage log) {
        return log.compaction().orElseThrow(() -> new AssertionError("this backend offers no compaction"));
    }

    private CompactionOutcome compactAll(LogStorage log) {
        return compaction(log).compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 0, DAY));
    }

    static ByteBuffer keyed(long timestamp, String key, String value) {
        return keyed(RecordBatch.NO_PARTITION_LEADER_EPOCH, timestamp, key, value);
    }

    static ByteBuffer keyed(int epoch, long timestamp, String key, String value) {
        return new RecordBatchBuilder(null).partitionLeaderEpoch(epoch)
                .append(timestamp, bytes(key), value == null ? null : bytes(value)).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String keyOf(Record record) {
        return new String(record.keyBytes(), StandardCharsets.UTF_8);
    }

    /** Every record the log holds, by offset, read as a consumer reads. */
    private static Map<Long, String> contents(LogStorage log) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (Record record : readAll(log, log.logStartOffset())) {
            out.put(record.offset(), keyOf(record) + "=" + (record.value() == null ? "null" : TestBatches.valueOf(record)));
        }
        return out;
    }

    /** What compaction must leave of {@code before}: below {@code end} the last record of each key, the rest whole. */
    private static Map<Long, String> expected(Map<Long, String> before, long end) {
        Map<String, Long> last = new HashMap<>();
        before.forEach((offset, kv) -> {
            if (offset < end) {
                last.put(kv.substring(0, kv.indexOf('=')), offset);
            }
        });
        Map<Long, String> out = new LinkedHashMap<>();
        before.forEach((offset, kv) -> {
            if (offset >= end || last.get(kv.substring(0, kv.indexOf('='))).equals(offset)) {
                out.put(offset, kv);
            }
        });
        return out;
    }

    private void appendUpdates(LogStorage log, int rounds, int keys) {
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < keys; k++) {
                log.append(keyed(time.milliseconds(), "key-" + k, "v" + round + "-" + "x".repeat(40)));
            }
        }
    }

    private void appendFiller(LogStorage log, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            log.append(keyed(time.milliseconds(), prefix + "-" + i, "filler-" + "y".repeat(40)));
        }
    }

    @Test
    void keepsTheLatestRecordOfEachKeyAtItsOffsetAndInOrder() {
        LogStorage log = open();
        appendUpdates(log, 10, 7);
        Map<Long, String> before = contents(log);
        CleanableSection section = compaction(log).cleanableSection(time.milliseconds(), 0, log.logEndOffset());
        assertThat(section.cleanableEndOffset()).isGreaterThan(section.firstDirtyOffset());
        assertThat(section.dirtyRatio()).isEqualTo(1.0);

        CompactionOutcome outcome = compactAll(log);

        assertThat(outcome).isInstanceOf(CompactionOutcome.Cleaned.class);
        CompactionOutcome.Cleaned cleaned = (CompactionOutcome.Cleaned) outcome;
        assertThat(cleaned.firstDirtyOffset()).isEqualTo(section.cleanableEndOffset());
        assertThat(cleaned.keys()).isEqualTo(7);
        Map<Long, String> after = contents(log);
        assertThat(after).isEqualTo(expected(before, section.cleanableEndOffset()));
        assertThat(after.size()).isLessThan(before.size());
        assertThat(cleaned.recordsRemoved()).isEqualTo(before.size() - after.size());
        assertThat(log.logEndOffset()).isEqualTo(70);
        assertThat(log.sizeInBytes()).isLessThan(cleaned.sizeBefore() + 10_000);
        assertThat(compaction(log).firstDirtyOffset()).isEqualTo(section.cleanableEndOffset());
        CleanableSection afterSection = compaction(log).cleanableSection(time.milliseconds(), 0, log.logEndOffset());
        assertThat(afterSection.dirtyRatio()).isLessThan(section.dirtyRatio());
    }

    @Test
    void aSecondCleaningRemovesWhatNewerUpdatesShadow() {
        LogStorage log = open();
        appendUpdates(log, 5, 5);
        compactAll(log);
        appendUpdates(log, 5, 5);
        Map<Long, String> before = contents(log);
        long end = compaction(log).cleanableSection(time.milliseconds(), 0, log.logEndOffset()).cleanableEndOffset();

        compactAll(log);

        assertThat(contents(log)).isEqualTo(expected(before, end));
        List<Long> offsets = new ArrayList<>(contents(log).keySet());
        assertThat(offsets).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void touchesNothingAtOrAfterTheUpperBoundOrTheActiveSegment() {
        LogStorage log = open();
        appendUpdates(log, 8, 4);
        long bound = 20;
        Map<Long, String> before = contents(log);
        long activeBase = log.activeSegmentBaseOffset();

        compaction(log).compact(CompactionRequest.at(time.milliseconds(), bound, 0, DAY));

        Map<Long, String> after = contents(log);
        long untouchedFrom = activeBase >= 0 ? Math.min(bound, activeBase) : bound;
        before.forEach((offset, kv) -> {
            if (offset >= untouchedFrom) {
                assertThat(after).containsEntry(offset, kv);
            }
        });
        assertThat(compaction(log).firstDirtyOffset()).isLessThanOrEqualTo(untouchedFrom);
    }

    @Test
    void nothingYoungerThanTheMinimumCompactionLagIsRemoved() {
        LogStorage log = open();
        appendUpdates(log, 4, 3);
        long oldEnd = log.logEndOffset();
        time.advance(60_000);
        appendUpdates(log, 4, 3);
        Map<Long, String> before = contents(log);

        compaction(log).compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 30_000, DAY));

        Map<Long, String> after = contents(log);
        before.forEach((offset, kv) -> {
            if (offset >= oldEnd) {
                assertThat(after).containsEntry(offset, kv);
            }
        });
        assertThat(after.size()).isLessThan(before.size());
    }

    @Test
    void batchesStayV2WithTheirLeaderEpochsAndEachProducersLastBatchStays() {
        LogStorage log = open();
        Map<Long, int[]> original = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            long producerId = i % 3; // three producers, each writing key "p<i%3>" then shadowed by a plain record
            ByteBuffer batch = new RecordBatchBuilder(null).partitionLeaderEpoch(i / 10)
                    .producer(producerId, (short) 1, i / 3)
                    .append(time.milliseconds(), bytes("p" + producerId), bytes("v" + i)).build();
            long base = log.appendWithOffsets(withBaseOffset(batch, log.logEndOffset())).firstOffset();
            original.put(base, new int[] {i / 10, (int) producerId, i / 3});
        }
        for (int p = 0; p < 3; p++) {
            log.append(keyed(3, time.milliseconds(), "p" + p, "plain")); // shadows every producer's records
        }
        for (int i = 0; i < 20; i++) {
            log.append(keyed(3, time.milliseconds(), "filler-" + i, "f"));
        }

        compactAll(log);

        Map<Long, Integer> lastBatchRecords = new HashMap<>();
        for (RecordBatch batch : allBatches(log)) {
            assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_V2);
            assertThat(batch.isCrcValid()).isTrue();
            int[] was = original.get(batch.baseOffset());
            if (was != null) {
                assertThat(batch.partitionLeaderEpoch()).isEqualTo(was[0]);
                assertThat(batch.producerId()).isEqualTo(was[1]);
                assertThat(batch.producerEpoch()).isEqualTo((short) 1);
                assertThat(batch.baseSequence()).isEqualTo(was[2]);
                assertThat(batch.lastOffsetDelta()).isZero();
                lastBatchRecords.put(batch.producerId(), batch.recordCount());
            } else {
                assertThat(batch.partitionLeaderEpoch()).isEqualTo(3);
            }
        }
        // each producer's last batch (sequence 9) is still there, emptied: its record was shadowed
        assertThat(lastBatchRecords).containsOnlyKeys(0L, 1L, 2L);
        assertThat(lastBatchRecords.values()).containsOnly(0);
        for (RecordBatch batch : allBatches(log)) {
            if (batch.producerId() >= 0) {
                assertThat(batch.baseSequence()).isEqualTo(9);
            }
        }
    }

    /** Every batch of the log, across segments. */
    static List<RecordBatch> allBatches(LogStorage log) {
        List<RecordBatch> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            List<RecordBatch> batches = TestBatches.batchesOf(log.read(next, log.logEndOffset(), 1 << 20, true));
            if (batches.isEmpty()) {
                break;
            }
            out.addAll(batches);
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return out;
    }

    private static ByteBuffer withBaseOffset(ByteBuffer batch, long baseOffset) {
        batch.putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
        return batch; // the base offset is outside the CRC
    }

    @Test
    void tombstonesStayForTheDeleteRetentionAfterTheFirstCleaningThenGo() {
        LogStorage log = open();
        appendUpdates(log, 3, 4);
        log.append(keyed(time.milliseconds(), "key-1", null)); // tombstone
        appendFiller(log, "a", 30); // keys never written again: the tombstone is the latest of key-1
        long retention = 10_000;
        compaction(log).compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 0, retention));
        List<String> tombstones = tombstoneKeys(log);

        assertThat(tombstones).hasSize(1);
        time.advance(retention - 1);
        appendFiller(log, "b", 30); // something dirty, so the cleaner has a reason to run
        compaction(log).compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 0, retention));
        assertThat(tombstoneKeys(log)).isEqualTo(tombstones);

        time.advance(1);
        appendFiller(log, "c", 30);
        compaction(log).compact(CompactionRequest.at(time.milliseconds(), log.logEndOffset(), 0, retention));
        Map<Long, String> after = contents(log);
        long end = compaction(log).firstDirtyOffset();
        after.forEach((offset, kv) -> {
            if (offset < end) {
                assertThat(kv).doesNotEndWith("=null");
            }
        });
    }

    private static List<String> tombstoneKeys(LogStorage log) {
        List<String> out = new ArrayList<>();
        contents(log).forEach((offset, kv) -> {
            if (kv.endsWith("=null")) {
                out.add(offset + ":" + kv);
            }
        });
        return out;
    }

    @Test
    void aTombstoneOfTheCleanedPartIsKeptOnTheFirstCleaning() {
        LogStorage log = open();
        log.append(keyed(time.milliseconds(), "gone", "value"));
        log.append(keyed(time.milliseconds(), "gone", null));
        appendUpdates(log, 10, 3);

        compactAll(log);

        assertThat(contents(log).values()).contains("gone=null").doesNotContain("gone=value");
    }

    @Test
    void aCleaningCutShortChangesNothingAndTheLogStaysUsable() {
        LogStorage log = open();
        appendUpdates(log, 10, 5);
        Map<Long, String> before = contents(log);
        long[] budget = {3000};
        CompactionRequest failing = new CompactionRequest(time.milliseconds(), log.logEndOffset(), 0, DAY, 1 << 20, bytes -> {
            budget[0] -= bytes;
            if (budget[0] < 0) {
                throw new IllegalStateException("simulated crash in the middle of a cleaning");
            }
        });

        assertThatThrownBy(() -> compaction(log).compact(failing)).hasMessageContaining("simulated crash");

        assertThat(contents(log)).isEqualTo(before);
        LogStorage reopened = reopen(config());
        assertThat(contents(reopened)).isEqualTo(before);
        long end = compaction(reopened).cleanableSection(time.milliseconds(), 0, reopened.logEndOffset()).cleanableEndOffset();
        assertThat(compactAll(reopened)).isInstanceOf(CompactionOutcome.Cleaned.class);
        assertThat(contents(reopened)).isEqualTo(expected(before, end));
        reopened.append(keyed(time.milliseconds(), "after", "cleaning"));
        assertThat(contents(reopened)).containsValue("after=cleaning");
    }

    @Test
    void theFirstDirtyOffsetAndTheCleanedLogSurviveARestart() {
        LogStorage log = open();
        appendUpdates(log, 6, 4);
        compactAll(log);
        long firstDirty = compaction(log).firstDirtyOffset();
        Map<Long, String> cleaned = contents(log);

        LogStorage reopened = reopen(config());

        assertThat(compaction(reopened).firstDirtyOffset()).isEqualTo(firstDirty);
        assertThat(contents(reopened)).isEqualTo(cleaned);
        assertThat(reopened.logEndOffset()).isEqualTo(24);
        assertThat(compactAll(reopened)).isInstanceOf(CompactionOutcome.NothingToClean.class);
    }

    @Test
    void aTruncatedLogStopsTheCleaningWithoutChangingIt() {
        LogStorage log = open();
        appendUpdates(log, 6, 4);
        Map<Long, String> before = contents(log);
        long[] once = {0};
        CompactionRequest truncating = new CompactionRequest(time.milliseconds(), log.logEndOffset(), 0, DAY, 1 << 20, bytes -> {
            if (once[0]++ == 0) {
                log.truncateTo(log.logEndOffset() - 2); // as a follower told by a new leader, mid-cleaning
            }
        });

        CompactionOutcome outcome = compaction(log).compact(truncating);

        assertThat(outcome).isInstanceOf(CompactionOutcome.Aborted.class);
        Map<Long, String> expected = new LinkedHashMap<>(before);
        expected.keySet().removeIf(offset -> offset >= log.logEndOffset());
        assertThat(contents(log)).isEqualTo(expected);
    }

    @Test
    void readersDuringACleaningAlwaysSeeTheLatestValueOfEveryKey() throws Exception {
        LogStorage log = open();
        appendUpdates(log, 30, 9);
        Map<String, String> latest = latestByKey(contents(log));
        java.util.concurrent.atomic.AtomicBoolean cleaning = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                do {
                    Map<Long, String> seen = contents(log);
                    List<Long> offsets = new ArrayList<>(seen.keySet());
                    assertThat(offsets).isSorted().doesNotHaveDuplicates();
                    assertThat(latestByKey(seen)).isEqualTo(latest);
                    scans.incrementAndGet();
                } while (cleaning.get() || scans.get() < 2);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "compaction-contract-reader");
        reader.start();
        try {
            assertThat(compactAll(log)).isInstanceOf(CompactionOutcome.Cleaned.class);
        } finally {
            cleaning.set(false);
            reader.join(30_000);
        }
        if (failure.get() != null) {
            throw new AssertionError("a reader during the cleaning saw a wrong log", failure.get());
        }
        assertThat(latestByKey(contents(log))).isEqualTo(latest);
    }

    private static Map<String, String> latestByKey(Map<Long, String> contents) {
        Map<String, String> out = new HashMap<>();
        contents.values().forEach(kv -> out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1)));
        return out;
    }
}

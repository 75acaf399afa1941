package dev.sluice.storage.file;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import dev.sluice.storage.testkit.TestBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers racing one writer that appends, rolls and deletes segments by retention: every read
 * returns whole valid batches holding the offset asked for, or says the offset is out of range
 * because retention moved the log start past it. Nothing else.
 */
class ConcurrentReadTest {
    @TempDir
    Path dir;

    @Test
    void readsDuringAppendsRollsAndRetentionSeeOnlyWholeBatches() throws Exception {
        ManualTime time = new ManualTime();
        FileLogStorageEngine engine = new FileLogStorageEngine(dir, time);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            LogStorage log = engine.open(new TopicPartition("race", 0),
                    LogConfig.DEFAULT.withSegmentBytes(4096).withRetentionBytes(16384).withIndex(128, 1024));
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<Integer>> results = List.of(readers.submit(() -> readUntilDone(log, writing)),
                    readers.submit(() -> readUntilDone(log, writing)));
            try {
                for (int i = 0; i < 1000; i++) {
                    log.append(TestBatches.batch("w" + i, time.milliseconds(), time.milliseconds()));
                    if (i % 10 == 0) {
                        log.enforceRetention();
                    }
                }
            } finally {
                writing.set(false);
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isPositive();
            }
            assertThat(log.logStartOffset()).isPositive();
        } finally {
            readers.shutdownNow();
            assertThat(readers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            engine.close();
        }
    }

    /** Returns how many reads returned data. */
    private static int readUntilDone(LogStorage log, AtomicBoolean writing) {
        int successful = 0;
        while (writing.get()) {
            long start = log.logStartOffset();
            long end = log.logEndOffset();
            if (end == start) {
                continue;
            }
            long offset = ThreadLocalRandom.current().nextLong(start, end);
            List<RecordBatch> batches;
            try {
                LogSlice slice = log.read(offset, Long.MAX_VALUE, 1024, true);
                batches = TestBatches.batchesOf(slice); // validates sizes and CRCs
            } catch (OffsetOutOfRangeException | UncheckedIOException e) {
                // only acceptable if retention removed the offset meanwhile
                assertThat(log.logStartOffset()).as("read at %d failed: %s", offset, e).isGreaterThan(offset);
                continue;
            }
            assertThat(batches).isNotEmpty();
            assertThat(batches.get(0).baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(batches.get(0).lastOffset()).isGreaterThanOrEqualTo(offset);
            for (int i = 1; i < batches.size(); i++) {
                assertThat(batches.get(i).baseOffset()).isEqualTo(batches.get(i - 1).nextOffset());
            }
            successful++;
        }
        return successful;
    }
}

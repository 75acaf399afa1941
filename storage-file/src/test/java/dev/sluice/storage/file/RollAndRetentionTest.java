package dev.sluice.storage.file;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.sizedBatch;
import static org.assertj.core.api.Assertions.assertThat;

/** When the file backend starts new segments and which ones retention removes, driven by a manual clock. */
class RollAndRetentionTest {
    private static final TopicPartition TP = new TopicPartition("events", 0);

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();
    FileLogStorageEngine engine;

    @BeforeEach
    void open() {
        engine = new FileLogStorageEngine(dir, time);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private List<Long> segmentBaseOffsets() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("events-0"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log"))
                    .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }

    @Test
    void rollsWhenTheFirstBatchIsOlderThanSegmentMs() throws IOException {
        LogStorage log = engine.open(TP, LogConfig.DEFAULT.withSegmentMs(1_000));
        log.append(batch("a", time.milliseconds()));
        time.advance(1_000);
        log.append(batch("b", time.milliseconds())); // exactly segment.ms: not yet
        assertThat(segmentBaseOffsets()).containsExactly(0L);

        time.advance(1);
        log.append(batch("c", time.milliseconds()));

        assertThat(segmentBaseOffsets()).containsExactly(0L, 2L);
    }

    @Test
    void retentionCheckRollsAnActiveSegmentOlderThanSegmentMs() throws IOException {
        LogStorage log = engine.open(TP, LogConfig.DEFAULT.withSegmentMs(1_000));
        log.append(batch("a", time.milliseconds(), time.milliseconds()));
        assertThat(log.enforceRetention()).isZero();
        assertThat(segmentBaseOffsets()).containsExactly(0L);

        time.advance(1_001);
        assertThat(log.enforceRetention()).isZero();

        assertThat(segmentBaseOffsets()).containsExactly(0L, 2L);
        log.append(batch("b", time.milliseconds()));
        assertThat(log.read(2, 3, 1000, true).sizeInBytes()).isPositive();
    }

    @Test
    void emptyActiveSegmentIsNotRolledByTime() throws IOException {
        LogStorage log = engine.open(TP, LogConfig.DEFAULT.withSegmentMs(1_000));
        time.advance(10_000);
        log.enforceRetention();
        assertThat(segmentBaseOffsets()).containsExactly(0L);
    }

    @Test
    void rollsWhenTheTimeIndexIsFull() throws IOException {
        // 64-byte indexes: 5 time index slots, one kept for the final entry; every batch indexed
        LogStorage log = engine.open(TP, LogConfig.DEFAULT.withIndex(0, 64));
        for (int i = 0; i < 12; i++) {
            log.append(batch("b" + i, 1000 + i));
        }
        assertThat(segmentBaseOffsets()).containsExactly(0L, 4L, 8L);
    }

    @Test
    void rollsWhenTheOffsetIndexIsFull() throws IOException {
        // same timestamps: one time index entry per segment, so the 8-entry offset index fills first
        LogStorage log = engine.open(TP, LogConfig.DEFAULT.withIndex(0, 64));
        for (int i = 0; i < 20; i++) {
            log.append(batch("b" + i, 1000));
        }
        assertThat(segmentBaseOffsets()).containsExactly(0L, 8L, 16L);
    }

    @Test
    void sizeRetentionDeletesSegmentFilesFromDisk() throws IOException {
        LogStorage log = engine.open(TP, LogConfig.DEFAULT.withSegmentBytes(1024).withRetentionBytes(1500));
        for (int i = 0; i < 10; i++) {
            log.append(sizedBatch(time.milliseconds(), 1, 300)); // ~370 bytes: two per segment
        }
        assertThat(segmentBaseOffsets()).containsExactly(0L, 2L, 4L, 6L, 8L);

        // 5 x ~742 bytes; dropping a third segment would leave less than retention.bytes
        assertThat(log.enforceRetention()).isEqualTo(2);

        assertThat(segmentBaseOffsets()).containsExactly(4L, 6L, 8L);
        assertThat(log.logStartOffset()).isEqualTo(4);
        try (Stream<Path> files = Files.list(dir.resolve("events-0"))) { // renamed until file.delete.delay.ms
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("00000000000000000000") && !n.endsWith(".deleted"));
        }
        engine.close(); // deletes what still waited for the delay
        try (Stream<Path> files = Files.list(dir.resolve("events-0"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("00000000000000000000"));
        }
        engine = new FileLogStorageEngine(dir, time);
        assertThat(engine.open(TP, LogConfig.DEFAULT).logStartOffset()).isEqualTo(4);
    }

    @Test
    void timeRetentionJudgesASegmentByItsNewestRecord() throws IOException {
        LogStorage log = engine.open(TP, LogConfig.DEFAULT.withSegmentBytes(1024).withRetentionMs(5_000));
        long start = time.milliseconds();
        log.append(sizedBatch(start, 1, 300));
        log.append(sizedBatch(start + 4_000, 1, 300)); // same segment as the first, newer
        log.append(sizedBatch(start, 1, 300)); // next segment, old
        log.append(sizedBatch(start + 9_000, 1, 300));
        assertThat(segmentBaseOffsets()).containsExactly(0L, 2L);

        time.advance(8_000); // segment 0's newest record is 4 s old, segment 2's is in the future
        assertThat(log.enforceRetention()).isZero();

        time.advance(2_000);
        assertThat(log.enforceRetention()).isEqualTo(1);
        assertThat(segmentBaseOffsets()).containsExactly(2L);
    }
}

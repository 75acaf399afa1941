package dev.sluice.storage.file;

import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static dev.sluice.storage.testkit.TestBatches.sizedBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * #19.6 / #9: a zero-copy read handed out before its segment is deleted (DeleteRecords, retention,
 * topic delete) is sent whole: the files are renamed {@code .deleted} and removed only after
 * {@code file.delete.delay.ms}, with the channel open until then. Before, the channel was closed
 * at once and the send failed mid-way.
 */
class DelayedSegmentDeletionTest {
    private static final TopicPartition TP = new TopicPartition("events", 0);
    private static final long DELAY = 60_000;
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(4096).withFileDeleteDelayMs(DELAY);

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    FileLogStorageEngine engine;

    @BeforeEach
    void open() {
        engine = new FileLogStorageEngine(dir, clock, clock);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** Appends batches of ~1 KiB until the log has at least {@code segments} segments. */
    private LogStorage logWithSegments(int segments) throws IOException {
        LogStorage log = engine.open(TP, CONFIG);
        while (logFiles(dir.resolve(TP.dirName()), ".log").size() < segments) {
            log.append(sizedBatch(clock.milliseconds(), 4, 250));
        }
        return log;
    }

    private static List<String> logFiles(Path partitionDir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    /** Sends the slice the way a slow socket takes it: a few hundred bytes per call. */
    private static byte[] sendSlowly(LogSlice slice) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel target = Channels.newChannel(out);
        long position = 0;
        while (position < slice.sizeInBytes()) {
            position += slice.transferTo(target, position, Math.min(300, slice.sizeInBytes() - position));
        }
        return out.toByteArray();
    }

    private static byte[] bytes(LogSlice slice) throws IOException {
        ByteBuffer buffer = slice.toBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Test
    void aSliceReadBeforeDeleteRecordsIsSentWholeUntilTheDelayHasPassed() throws IOException {
        LogStorage log = logWithSegments(3);
        LogSlice slice = log.read(0, Long.MAX_VALUE, 3000, true);
        byte[] expected = bytes(slice);
        assertThat(expected.length).isGreaterThan(1000);

        long newStart = log.logEndOffset() - 1;
        log.deleteRecordsBefore(newStart);

        Path partitionDir = dir.resolve(TP.dirName());
        assertThat(logFiles(partitionDir, ".log")).doesNotContain("00000000000000000000.log");
        assertThat(logFiles(partitionDir, ".deleted")).contains("00000000000000000000.log.deleted",
                "00000000000000000000.index.deleted", "00000000000000000000.timeindex.deleted");
        assertThat(sendSlowly(slice)).isEqualTo(expected);

        clock.advance(DELAY - 1);
        assertThat(sendSlowly(slice)).isEqualTo(expected);
        clock.advance(1);
        assertThat(logFiles(partitionDir, ".deleted")).isEmpty();
        assertThatThrownBy(() -> sendSlowly(slice)).isInstanceOf(IOException.class);
    }

    @Test
    void aSliceReadBeforeRetentionDeletesItsSegmentIsSentWhole() throws IOException {
        LogStorage log = logWithSegments(3);
        LogSlice slice = log.read(0, Long.MAX_VALUE, 3000, true);
        byte[] expected = bytes(slice);
        log.updateConfig(CONFIG.withRetentionBytes(1));

        assertThat(log.enforceRetention()).isGreaterThanOrEqualTo(2);

        assertThat(log.logStartOffset()).isPositive();
        assertThat(sendSlowly(slice)).isEqualTo(expected);
        clock.advance(DELAY);
        assertThat(logFiles(dir.resolve(TP.dirName()), ".deleted")).isEmpty();
    }

    @Test
    void aSliceReadBeforeItsPartitionIsDeletedIsSentWholeAndARecreatedPartitionKeepsItsFiles() throws IOException {
        LogStorage log = logWithSegments(2);
        LogSlice slice = log.read(0, Long.MAX_VALUE, 3000, true);
        byte[] expected = bytes(slice);

        engine.delete(TP);
        assertThat(dir.resolve(TP.dirName())).doesNotExist();
        assertThatThrownBy(() -> log.append(sizedBatch(0, 1, 10))).isInstanceOf(LogClosedException.class);
        LogStorage recreated = engine.open(TP, CONFIG);
        recreated.append(sizedBatch(clock.milliseconds(), 4, 250));

        assertThat(sendSlowly(slice)).isEqualTo(expected);
        clock.advance(DELAY);
        assertThatThrownBy(() -> sendSlowly(slice)).isInstanceOf(IOException.class);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith("-delete"));
        }
        assertThat(recreated.read(0, Long.MAX_VALUE, 100_000, true).sizeInBytes()).isPositive();
        assertThat(logFiles(dir.resolve(TP.dirName()), ".log")).containsExactly("00000000000000000000.log");
    }

    @Test
    void closingTheEngineRunsTheDeletionsStillWaiting() throws IOException {
        LogStorage log = logWithSegments(3);
        log.deleteRecordsBefore(log.logEndOffset());
        engine.delete(new TopicPartition("other", 0));
        engine.open(new TopicPartition("gone", 0), CONFIG).append(sizedBatch(0, 1, 10));
        engine.delete(new TopicPartition("gone", 0));

        engine.close();

        assertThat(logFiles(dir.resolve(TP.dirName()), ".deleted")).isEmpty();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith("-delete"));
        }
    }

    @Test
    void startUpRemovesSegmentFilesLeftWaitingForDeletion() throws IOException {
        LogStorage log = logWithSegments(3);
        log.deleteRecordsBefore(log.logEndOffset());
        Path partitionDir = dir.resolve(TP.dirName());
        Path leftover = partitionDir.resolve("00000000000000000000.log.deleted");
        Files.write(leftover, new byte[]{1, 2, 3}); // as a crash before the delay leaves it
        engine.close();
        Files.write(leftover, new byte[]{1, 2, 3});

        engine = new FileLogStorageEngine(dir, clock, clock);
        LogStorage reopened = engine.open(TP, CONFIG);

        assertThat(leftover).doesNotExist();
        assertThat(reopened.logStartOffset()).isEqualTo(log.logEndOffset());
    }

    @Test
    void anAppendRacingDeleteNeverLeavesAFileInTheRecreatedPartition() throws Exception {
        TopicPartition tp = new TopicPartition("race", 0);
        LogConfig tiny = CONFIG.withSegmentBytes(1024).withFileDeleteDelayMs(0);
        for (int round = 0; round < 30; round++) {
            LogStorage doomed = engine.open(tp, tiny);
            AtomicBoolean started = new AtomicBoolean();
            CompletableFuture<Void> appender = CompletableFuture.runAsync(() -> {
                try {
                    while (true) { // batches of ~450 bytes into 1 KiB segments: a roll every other append
                        doomed.append(sizedBatch(0, 4, 100));
                        started.set(true);
                    }
                } catch (LogClosedException expected) {
                    // the partition was deleted
                }
            });
            while (!started.get() && !appender.isDone()) {
                Thread.onSpinWait();
            }
            engine.delete(tp);
            LogStorage recreated = engine.open(tp, tiny);
            appender.get(30, TimeUnit.SECONDS);
            assertThat(logFiles(dir.resolve(tp.dirName()), ".log")).as("round %d", round)
                    .containsExactly("00000000000000000000.log");
            assertThat(recreated.logEndOffset()).isZero();
        }
    }
}

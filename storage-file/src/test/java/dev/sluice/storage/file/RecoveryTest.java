package dev.sluice.storage.file;

import dev.sluice.api.record.Record;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import dev.sluice.storage.testkit.TestBatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged files on disk: torn and corrupt batches are cut off (exactly the valid prefix stays),
 * missing or corrupt indexes are rebuilt to what they were.
 */
class RecoveryTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    /** Every batch indexed; segments of about five 3-record batches. */
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(1024).withIndex(0, 4096);

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();
    FileLogStorageEngine engine;
    /** Start and end offset of every batch written, in order. */
    final List<long[]> batches = new ArrayList<>();

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private Path partitionDir() {
        return dir.resolve("t-0");
    }

    private Path file(long baseOffset, String suffix) {
        return partitionDir().resolve(String.format("%020d", baseOffset) + suffix);
    }

    /** Writes {@code count} batches of 3 records (value "v<offset>", timestamp 1000 + offset), then closes cleanly. */
    private void writeAndClose(int count) {
        engine = new FileLogStorageEngine(dir, time);
        LogStorage log = engine.open(TP, CONFIG);
        for (int i = 0; i < count; i++) {
            long base = log.logEndOffset();
            log.append(batch(i, 0L, "x", 1000 + base, 1001 + base, 1002 + base));
            batches.add(new long[] {base, log.logEndOffset()});
        }
        engine.close();
        engine = null;
    }

    private LogStorage reopen(boolean clean) throws IOException {
        if (!clean) {
            Files.deleteIfExists(dir.resolve(FileLogStorageEngine.CLEAN_SHUTDOWN_FILE));
        }
        engine = new FileLogStorageEngine(dir, time);
        return engine.open(TP, CONFIG);
    }

    /** File position of the batch starting at {@code baseOffset} within its segment. */
    private int positionOf(long segmentBase, long baseOffset) throws IOException {
        LogStorage log = reopen(true);
        int position = 0;
        for (long offset = segmentBase; offset < baseOffset; ) {
            var slice = log.read(offset, Long.MAX_VALUE, 1, true);
            position += slice.sizeInBytes();
            offset = TestBatches.batchesOf(slice).get(0).nextOffset();
        }
        engine.close();
        engine = null;
        return position;
    }

    private static void assertHoldsExactly(LogStorage log, long endOffset) {
        assertThat(log.logEndOffset()).isEqualTo(endOffset);
        List<Record> records = readAll(log);
        assertThat(records).extracting(Record::offset).containsExactlyElementsOf(LongStream.range(0, endOffset).boxed().toList());
        for (long offset = 0; offset < endOffset; offset++) {
            // index lookups: the first batch returned holds the offset, and timestamps map back to it
            var first = TestBatches.batchesOf(log.read(offset, endOffset, 1, true)).get(0);
            assertThat(first.baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(first.lastOffset()).isGreaterThanOrEqualTo(offset);
            assertThat(log.offsetForTimestamp(1000 + offset)).contains(new TimestampOffset(1000 + offset, offset));
        }
    }

    private static List<Record> readAll(LogStorage log) {
        List<Record> all = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            List<Record> records = TestBatches.recordsOf(log.read(next, log.logEndOffset(), 1 << 20, true));
            all.addAll(records);
            next = records.get(records.size() - 1).offset() + 1;
        }
        return all;
    }

    private long segmentBaseHolding(long offset) throws IOException {
        long base = 0;
        try (var files = Files.list(partitionDir())) {
            for (String name : files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList()) {
                long b = Long.parseLong(name.substring(0, 20));
                if (b <= offset) {
                    base = b;
                }
            }
        }
        return base;
    }

    @Test
    void logCutMidBatchKeepsExactlyTheWholeBatchesEvenAfterACleanShutdown() throws IOException {
        writeAndClose(12);
        long lastBase = batches.get(11)[0];
        Path last = file(segmentBaseHolding(lastBase), ".log");
        try (RandomAccessFile raf = new RandomAccessFile(last.toFile(), "rw")) {
            raf.setLength(raf.length() - 10);
        }

        LogStorage log = reopen(true);

        assertHoldsExactly(log, lastBase);
        assertThat(log.append(batch("next", 1)).firstOffset()).isEqualTo(lastBase);
    }

    @Test
    void tornTailOfZerosIsCutAfterAnUncleanShutdown() throws IOException {
        writeAndClose(7);
        long end = batches.get(6)[1];
        Path last = file(segmentBaseHolding(end - 1), ".log");
        Files.write(last, new byte[100], java.nio.file.StandardOpenOption.APPEND);

        assertHoldsExactly(reopen(false), end);
    }

    @Test
    void corruptBatchEndsTheLogAndLaterSegmentsAreDropped() throws IOException {
        writeAndClose(20);
        long corruptBase = batches.get(6)[0];
        long segment = segmentBaseHolding(corruptBase);
        int position = positionOf(segment, corruptBase);
        try (RandomAccessFile raf = new RandomAccessFile(file(segment, ".log").toFile(), "rw")) {
            raf.seek(position + 70); // inside the records: only the CRC notices
            raf.write(raf.read() ^ 0xff);
        }
        Files.delete(dir.resolve(DirectoryCheckpoints.RECOVERY_POINT_FILE)); // unknown recovery point: check everything

        LogStorage log = reopen(false);

        assertHoldsExactly(log, corruptBase);
        assertThat(Files.size(file(segment, ".log"))).isEqualTo(position);
        assertThat(file(segmentBaseHolding(batches.get(19)[0]), ".log")).isEqualTo(file(segment, ".log"));
        assertThat(log.epochs()).last().extracting(e -> e.epoch()).isEqualTo(5);
    }

    @Test
    void uncleanOpenRecoversFromTheRecoveryPoint() throws IOException {
        writeAndClose(10);
        long end = batches.get(9)[1];
        Path last = file(segmentBaseHolding(end - 1), ".log");
        try (RandomAccessFile raf = new RandomAccessFile(last.toFile(), "rw")) {
            raf.seek(raf.length() - 5);
            raf.write(raf.read() ^ 0xff); // the last batch is corrupt
        }

        LogStorage log = reopen(false);

        assertHoldsExactly(log, batches.get(9)[0]);
    }

    @Test
    void missingIndexesAreRebuiltToTheSameBytes() throws IOException {
        writeAndClose(15);
        long segment = segmentBaseHolding(batches.get(3)[0]);
        byte[] offsetIndex = Files.readAllBytes(file(segment, ".index"));
        byte[] timeIndex = Files.readAllBytes(file(segment, ".timeindex"));
        assertThat(offsetIndex).isNotEmpty();
        Files.delete(file(segment, ".index"));
        Files.delete(file(segment, ".timeindex"));

        assertHoldsExactly(reopen(true), batches.get(14)[1]);
        engine.close();
        engine = null;

        assertThat(Files.readAllBytes(file(segment, ".index"))).isEqualTo(offsetIndex);
        assertThat(Files.readAllBytes(file(segment, ".timeindex"))).isEqualTo(timeIndex);
    }

    @Test
    void corruptIndexesAreDetectedAndRebuilt() throws IOException {
        writeAndClose(15);
        long segment = segmentBaseHolding(0);
        byte[] offsetIndex = Files.readAllBytes(file(segment, ".index"));
        try (RandomAccessFile raf = new RandomAccessFile(file(segment, ".index").toFile(), "rw")) {
            raf.seek(raf.length() - 4);
            raf.writeInt(3); // last entry now points at a position where no batch starts
        }
        Files.write(file(segment, ".timeindex"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        assertHoldsExactly(reopen(true), batches.get(14)[1]);
        engine.close();
        engine = null;

        assertThat(Files.readAllBytes(file(segment, ".index"))).isEqualTo(offsetIndex);
    }

    @Test
    void orphanIndexFilesAndTemporaryFilesAreRemoved() throws IOException {
        writeAndClose(2);
        Files.write(file(999, ".index"), new byte[16]);
        Files.write(partitionDir().resolve("leader-epoch-checkpoint.tmp"), new byte[3]);

        assertHoldsExactly(reopen(true), batches.get(1)[1]);

        assertThat(file(999, ".index")).doesNotExist();
        assertThat(partitionDir().resolve("leader-epoch-checkpoint.tmp")).doesNotExist();
    }
}

package dev.sluice.bench.storage;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A log of {@value #LOG_BYTES} bytes of {@link TestBatch}es, written once per trial, plus its
 * segment files opened read-only for the raw case to read the very same bytes.
 */
@State(Scope.Thread)
public class WrittenLog {
    static final long LOG_BYTES = 256L * 1024 * 1024;
    private static final TopicPartition PARTITION = new TopicPartition("bench", 0);

    @Param("file")
    public String storage;

    private Path dir;
    private LogStorageEngine engine;
    private int batchBytes;
    private int recordsPerBatch;
    LogStorage log;
    final List<FileChannel> segmentFiles = new ArrayList<>();

    @Setup
    public void write(TestBatch batch) throws IOException {
        dir = TempDirs.create("read");
        engine = LogStorageProviders.byName(storage).open(dir, Map.of(), Time.SYSTEM);
        log = engine.open(PARTITION, LogConfig.DEFAULT);
        while (log.sizeInBytes() < LOG_BYTES) {
            log.append(batch.freshCopy());
        }
        // on disk before measuring, so no write-back competes with the reads
        log.flush();
        batchBytes = batch.sizeInBytes();
        recordsPerBatch = batch.records();
        openSegmentFiles();
    }

    /** Kafka's layout, which storage-file keeps: {@code <dir>/<topic>-<partition>/<base offset>.log}. */
    private void openSegmentFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> paths = Files.list(dir.resolve(PARTITION.dirName()))) {
            files = paths.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        long total = 0;
        for (Path file : files) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            segmentFiles.add(channel);
            total += channel.size();
        }
        if (total != log.sizeInBytes()) {
            throw new IllegalStateException("segment files in " + dir + " hold " + total + " bytes but the log says "
                    + log.sizeInBytes() + ": the raw case would not read the same bytes");
        }
    }

    /** Every batch is a copy of the same one, so a slice's record count follows from its size. */
    long recordsIn(LogSlice slice) {
        if (slice.sizeInBytes() == 0 || slice.sizeInBytes() % batchBytes != 0) {
            throw new IllegalStateException("slice of " + slice.sizeInBytes() + " bytes is not whole " + batchBytes + "-byte batches");
        }
        return (long) (slice.sizeInBytes() / batchBytes) * recordsPerBatch;
    }

    @TearDown
    public void delete() throws IOException {
        for (FileChannel channel : segmentFiles) {
            channel.close();
        }
        engine.close();
        TempDirs.delete(dir);
    }
}

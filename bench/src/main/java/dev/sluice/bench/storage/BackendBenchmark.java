package dev.sluice.bench.storage;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Storage backends against each other ({@code -p storage=file,lmdb}), through the
 * {@link LogStorage} API only: one ~32 KiB batch per append, one 1 MiB fetch per read. Each
 * runs in two modes: Throughput (bytes/s from {@link ByteCounter}) and SampleTime (latency of
 * single operations, percentiles). Run by {@code bench/storage-backends.sh}.
 *
 * <p>Appends go to a fresh log per iteration (fsynced and deleted after it), with the defaults
 * (no fsync per append); LMDB gets a 4 GiB initial map so the numbers are its steady state (map
 * growth, a rare event, is measured by storage-lmdb's tests, not here). Reads go round a
 * {@value WrittenLog#LOG_BYTES}-byte log written once per trial, from the page cache, each fetch
 * sent to /dev/null: sendfile for storage-file, a copy out of LMDB and a write for storage-lmdb.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// lmdbjava runs on the class path in the benchmark jar: open java.nio to the unnamed module
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class BackendBenchmark {
    private static final TopicPartition PARTITION = new TopicPartition("bench", 0);
    static final Map<String, String> SETTINGS = Map.of("lmdb.map.size", String.valueOf(4L << 30));

    @Param({"file", "lmdb"})
    public String storage;

    /** A fresh, empty log per iteration. */
    @State(Scope.Thread)
    public static class EmptyLog {
        private Path dir;
        private LogStorageEngine engine;
        LogStorage log;

        @Setup(Level.Iteration)
        public void open(BackendBenchmark bench) {
            dir = TempDirs.create("append-" + bench.storage);
            engine = LogStorageProviders.byName(bench.storage).open(dir, SETTINGS, Time.SYSTEM);
            log = engine.open(PARTITION, LogConfig.DEFAULT);
        }

        @TearDown(Level.Iteration)
        public void close() {
            log.flush();
            engine.close();
            TempDirs.delete(dir);
        }
    }

    /** A full log read round and round, one whole-batch fetch of up to 1 MiB at a time. */
    @State(Scope.Thread)
    public static class FullLog {
        private Path dir;
        private LogStorageEngine engine;
        LogStorage log;
        long next;

        @Setup(Level.Trial)
        public void write(BackendBenchmark bench, TestBatch batch) {
            dir = TempDirs.create("read-" + bench.storage);
            engine = LogStorageProviders.byName(bench.storage).open(dir, SETTINGS, Time.SYSTEM);
            log = engine.open(PARTITION, LogConfig.DEFAULT);
            while (log.sizeInBytes() < WrittenLog.LOG_BYTES) {
                log.append(batch.freshCopy());
            }
            log.flush();
        }

        @TearDown(Level.Trial)
        public void delete() {
            engine.close();
            TempDirs.delete(dir);
        }
    }

    @Benchmark
    public int append(EmptyLog target, TestBatch batch, ByteCounter counter) {
        int written = target.log.append(batch.freshCopy()).bytes();
        counter.bytes += written;
        return written;
    }

    @Benchmark
    public long read(FullLog source, TestBatch batch, ReadBenchmark.DevNull sink, ByteCounter counter) throws IOException {
        LogStorage log = source.log;
        if (source.next >= log.logEndOffset()) {
            source.next = log.logStartOffset();
        }
        LogSlice slice = log.read(source.next, log.logEndOffset(), ReadBenchmark.FETCH_BYTES, true);
        long sent = sink.send(slice);
        source.next += sent / batch.sizeInBytes() * batch.records(); // every batch is a copy of the same one
        counter.bytes += sent;
        return sent;
    }
}

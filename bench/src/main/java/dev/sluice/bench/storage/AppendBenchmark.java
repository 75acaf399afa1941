package dev.sluice.bench.storage;

import dev.sluice.api.storage.LogStorage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
import java.util.concurrent.TimeUnit;

/**
 * Appending one ~32 KiB batch per operation, {@code via=storage}: {@link LogStorage#append} of
 * the provider named {@code storage}; {@code via=raw}: a positional FileChannel write of the same
 * bytes, the most a log could do on this disk. JMH runs the two cases of a record size one after
 * the other, so they meet the same machine.
 *
 * <p>Every measurement iteration starts from an empty log (or file); its tear-down fsyncs and
 * deletes what the iteration wrote. So each iteration meets the same clean page cache, and the
 * disk never holds more than one iteration's writes (2 s worth).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendBenchmark {
    @Param("file")
    public String storage;

    @Param({"raw", "storage"})
    public String via;

    private Path dir;
    private AppendTarget target;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = TempDirs.create("append-" + via);
        target = via.equals("raw") ? new AppendTarget.RawFile(dir) : new AppendTarget.StorageLog(storage, dir);
    }

    @Benchmark
    public int append(TestBatch batch, ByteCounter counter) throws IOException {
        int written = target.append(batch.freshCopy());
        counter.bytes += written;
        return written;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        target.close();
        TempDirs.delete(dir);
    }
}

package dev.sluice.bench.storage;

import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Reading a whole {@value WrittenLog#LOG_BYTES}-byte log front to back, one operation per pass,
 * in fetches of {@value #FETCH_BYTES} bytes (Kafka's default max.partition.fetch.bytes), each sent
 * to /dev/null. {@code via=storage}: {@link LogStorage#read} + {@link LogSlice#transferTo};
 * {@code via=raw}: {@link FileChannel#transferTo} of the same segment files in the same steps.
 *
 * <p>The log is written and fsynced once per trial, so both cases read from the page cache: this
 * measures what the storage adds per fetch (index lookup, batch boundaries), not the disk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReadBenchmark {
    static final int FETCH_BYTES = 1024 * 1024;

    @Param({"raw", "storage"})
    public String via;

    @Benchmark
    public long read(WrittenLog written, DevNull sink, ByteCounter counter) throws IOException {
        long sent = via.equals("raw") ? readSegmentFiles(written, sink) : readLog(written, sink);
        counter.bytes += sent;
        return sent;
    }

    private static long readLog(WrittenLog written, DevNull sink) throws IOException {
        LogStorage log = written.log;
        long end = log.logEndOffset();
        long sent = 0;
        for (long offset = log.logStartOffset(); offset < end; ) {
            LogSlice slice = log.read(offset, end, FETCH_BYTES, true);
            sent += sink.send(slice);
            offset += written.recordsIn(slice);
        }
        return sent;
    }

    private static long readSegmentFiles(WrittenLog written, DevNull sink) throws IOException {
        long sent = 0;
        for (FileChannel segment : written.segmentFiles) {
            long size = segment.size();
            for (long position = 0; position < size; position += FETCH_BYTES) {
                sent += sink.send(segment, position, Math.min(FETCH_BYTES, size - position));
            }
        }
        return sent;
    }

    /** A FileChannel to /dev/null: transferTo into it takes the same sendfile path as into a socket. */
    @State(Scope.Thread)
    public static class DevNull {
        private FileChannel channel;

        @Setup
        public void open() throws IOException {
            channel = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        }

        long send(LogSlice slice) throws IOException {
            long size = slice.sizeInBytes();
            long sent = 0;
            while (sent < size) {
                sent += slice.transferTo(channel, sent, size - sent);
            }
            return sent;
        }

        long send(FileChannel file, long position, long count) throws IOException {
            long sent = 0;
            while (sent < count) {
                sent += file.transferTo(position + sent, count - sent, channel);
            }
            return sent;
        }

        @TearDown
        public void close() throws IOException {
            channel.close();
        }
    }
}

package dev.sluice.bench.storage;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Where {@link AppendBenchmark} appends: a partition log, or a plain file as the baseline. */
interface AppendTarget extends AutoCloseable {

    /** Appends the batch (position to limit); returns the bytes written. */
    int append(ByteBuffer batch) throws IOException;

    /** Fsyncs what was appended and closes. */
    @Override
    void close() throws IOException;

    /** A new partition log in {@code dir}, with the defaults: 1 GiB segments, no fsync on append (as Kafka). */
    final class StorageLog implements AppendTarget {
        private final LogStorageEngine engine;
        private final LogStorage log;

        StorageLog(String provider, Path dir) {
            engine = LogStorageProviders.byName(provider).open(dir, Map.of(), Time.SYSTEM);
            log = engine.open(new TopicPartition("bench", 0), LogConfig.DEFAULT);
        }

        @Override
        public int append(ByteBuffer batch) {
            return log.append(batch).bytes();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    /** A new file in {@code dir}, written with positional writes at its end, as a segment is. */
    final class RawFile implements AppendTarget {
        private final FileChannel channel;
        private long position;

        RawFile(Path dir) throws IOException {
            channel = FileChannel.open(dir.resolve("raw.log"),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        @Override
        public int append(ByteBuffer batch) throws IOException {
            int written = 0;
            while (batch.hasRemaining()) {
                written += channel.write(batch, position + written);
            }
            position += written;
            return written;
        }

        @Override
        public void close() throws IOException {
            channel.force(true);
            channel.close();
        }
    }
}

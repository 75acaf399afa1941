package dev.sluice.compression.gzip;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.compression.ByteBufferInputStream;
import dev.sluice.compression.LevelRange;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/** Kafka codec 1: the JDK's gzip, with the buffer sizes Kafka's GzipCompression uses. */
public final class GzipCodec implements CompressionCodec {
    /** Kafka accepts 1-9 and zlib's "default" (-1), which it also uses when no level is set. */
    public static final LevelRange LEVELS =
            new LevelRange("gzip", Deflater.BEST_SPEED, Deflater.BEST_COMPRESSION, Deflater.DEFAULT_COMPRESSION);

    /** Deflater and inflater buffer: 8 KiB, as Kafka. */
    static final int GZIP_BUFFER_SIZE = 8 * 1024;
    /** Kafka puts a 16 KiB buffer in front of the deflater so small writes are batched. */
    static final int WRITE_BUFFER_SIZE = 16 * 1024;

    @Override
    public int id() {
        return CompressionType.GZIP.id();
    }

    @Override
    public String name() {
        return CompressionType.GZIP.configName();
    }

    @Override
    public OutputStream compress(OutputStream out, Integer level) throws IOException {
        int resolved = LEVELS.resolve(level);
        return new BufferedOutputStream(new LeveledGzipOutputStream(out, GZIP_BUFFER_SIZE, resolved), WRITE_BUFFER_SIZE);
    }

    @Override
    public InputStream decompress(ByteBuffer compressed) throws IOException {
        // GZIPInputStream reports bad magic, corrupt deflate data and truncation as IOExceptions.
        // Kafka adds a 16 KiB read buffer for its record-at-a-time reads; callers here read in bulk.
        return new GZIPInputStream(new ByteBufferInputStream(compressed), GZIP_BUFFER_SIZE);
    }

    @Override
    public String toString() {
        return "GzipCodec";
    }
}

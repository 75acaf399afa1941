package dev.sluice.compression.snappy;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import org.xerial.snappy.SnappyOutputStream;

/**
 * Kafka codec 2: snappy in snappy-java's "xerial" stream framing.
 *
 * <p>Writing uses snappy-java's own {@link SnappyOutputStream}, exactly as Kafka does, so the bytes
 * match. Reading uses {@link XerialSnappyInputStream} instead of {@code SnappyInputStream}, which
 * trusts the chunk and uncompressed lengths it reads and allocates them (up to 2 GiB) before
 * noticing they are lies.
 */
public final class SnappyCodec implements CompressionCodec {

    @Override
    public int id() {
        return CompressionType.SNAPPY.id();
    }

    @Override
    public String name() {
        return CompressionType.SNAPPY.configName();
    }

    /** Snappy has no levels; any level is ignored, as Kafka does. */
    @Override
    public OutputStream compress(OutputStream out, Integer level) {
        return new SnappyOutputStream(out);
    }

    @Override
    public InputStream decompress(ByteBuffer compressed) throws IOException {
        return new XerialSnappyInputStream(compressed);
    }

    @Override
    public String toString() {
        return "SnappyCodec";
    }
}

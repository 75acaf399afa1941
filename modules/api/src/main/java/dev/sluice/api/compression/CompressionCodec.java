package dev.sluice.api.compression;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * SPI: one compression codec, producing and consuming the exact byte stream Kafka puts in the
 * records section of a v2 batch for its codec id. Implementations are found with
 * {@link java.util.ServiceLoader}; see {@link CompressionCodecs}.
 *
 * <p>A third-party codec may use an id Kafka does not define only if every client it talks to
 * knows it; the built-in ones are {@link CompressionType#GZIP} .. {@link CompressionType#ZSTD}.
 */
public interface CompressionCodec {

    /** The Kafka codec id (bits 0-2 of the batch attributes). */
    int id();

    /** Short name used in configuration, e.g. {@code "lz4"}. */
    String name();

    /**
     * Wraps {@code out} so that bytes written are compressed. Closing the returned stream finishes
     * the compressed stream and closes {@code out}.
     *
     * @param level codec-specific level, or {@code null} for the codec's default
     */
    OutputStream compress(OutputStream out, Integer level) throws IOException;

    /** A stream of the decompressed bytes of {@code compressed} (from its position to its limit). */
    InputStream decompress(ByteBuffer compressed) throws IOException;
}

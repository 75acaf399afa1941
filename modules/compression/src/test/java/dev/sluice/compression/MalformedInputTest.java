package dev.sluice.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile input for every codec: garbage, truncation and flipped bytes end in an IOException
 * (or, for formats without checksums, in some output), never in an unchecked exception, an
 * OutOfMemoryError or a hang. The timeout only guards against hangs; it measures nothing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MalformedInputTest {
    private static final byte[] TEXT = TestData.compressible(200_000, 11);

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void garbageIsRefused(CompressionType type) {
        CompressionCodec codec = TestData.codec(type);
        for (int size : new int[] {1, 7, 16, 100, 70_000}) {
            byte[] garbage = TestData.random(size, size);
            assertThatThrownBy(() -> TestData.decompress(codec, ByteBuffer.wrap(garbage)))
                    .as("%d random bytes", size)
                    .isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void truncatedStreamsAreRefused(CompressionType type) throws IOException {
        CompressionCodec codec = TestData.codec(type);
        byte[] compressed = TestData.compress(codec, TEXT, null);
        for (int length : new int[] {1, 10, 20, compressed.length / 2, compressed.length - 1}) {
            byte[] truncated = Arrays.copyOf(compressed, length);
            assertThatThrownBy(() -> TestData.decompress(codec, ByteBuffer.wrap(truncated)))
                    .as("first %d of %d bytes", length, compressed.length)
                    .isInstanceOf(IOException.class);
        }
    }

    /**
     * gzip, lz4 (header) and zstd carry checksums; xerial snappy and Kafka's lz4 blocks do not, so
     * there a flipped byte may decode to other bytes. Either way the outcome is data or an IOException.
     */
    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void flippedBytesGiveIOExceptionOrData(CompressionType type) throws IOException {
        CompressionCodec codec = TestData.codec(type);
        byte[] compressed = TestData.compress(codec, TEXT, null);
        Random random = new Random(type.id());
        int refused = 0;
        for (int trial = 0; trial < 300; trial++) {
            byte[] corrupt = compressed.clone();
            int position = trial < 40 ? trial : random.nextInt(corrupt.length);
            corrupt[position] ^= (byte) (1 + random.nextInt(255));
            try {
                TestData.decompress(codec, ByteBuffer.wrap(corrupt));
            } catch (IOException expected) {
                refused++;
            }
        }
        assertThat(refused).as("corruptions detected").isPositive();
    }
}

package dev.sluice.compression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.stream.Stream;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our codecs against kafka-clients' own Compression classes on raw streams: same library, same
 * framing, same buffering, so the compressed bytes must be identical, and each side must read the
 * other's output.
 */
class KafkaStreamCompatibilityTest {

    static Stream<Arguments> codecsAndPayloads() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (CompressionType type : new CompressionType[] {CompressionType.GZIP, CompressionType.SNAPPY,
                CompressionType.LZ4, CompressionType.ZSTD}) {
            cases.add(Arguments.of(type, "empty", new byte[0]));
            cases.add(Arguments.of(type, "tiny", TestData.bytes("x")));
            cases.add(Arguments.of(type, "text 70 KB", TestData.compressible(70_000, 1)));
            cases.add(Arguments.of(type, "random 200 KB", TestData.random(200_000, 2)));
            cases.add(Arguments.of(type, "text 1 MB", TestData.compressible(1 << 20, 3)));
        }
        return cases.build();
    }

    static Stream<Arguments> codecsAndLevels() {
        return Stream.of(
                Arguments.of(CompressionType.GZIP, null), Arguments.of(CompressionType.GZIP, 1),
                Arguments.of(CompressionType.GZIP, 9),
                Arguments.of(CompressionType.LZ4, null), Arguments.of(CompressionType.LZ4, 1),
                Arguments.of(CompressionType.LZ4, 12),
                Arguments.of(CompressionType.ZSTD, null), Arguments.of(CompressionType.ZSTD, -3),
                Arguments.of(CompressionType.ZSTD, 12));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndPayloads")
    void compressedBytesAreIdenticalToKafkas(CompressionType type, String label, byte[] data) throws IOException {
        byte[] ours = TestData.compress(TestData.codec(type), data, null);
        assertThat(ours).isEqualTo(kafkaCompress(kafkaCompression(type, null), data));
    }

    @ParameterizedTest(name = "{0} level {1}")
    @MethodSource("codecsAndLevels")
    void levelsProduceTheBytesKafkaProducesAtThatLevel(CompressionType type, Integer level) throws IOException {
        byte[] data = TestData.compressible(150_000, 4);
        byte[] ours = TestData.compress(TestData.codec(type), data, level);
        assertThat(ours).isEqualTo(kafkaCompress(kafkaCompression(type, level), data));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndPayloads")
    void weReadWhatKafkaWrites(CompressionType type, String label, byte[] data) throws IOException {
        byte[] compressed = kafkaCompress(kafkaCompression(type, null), data);
        CompressionCodec codec = TestData.codec(type);
        assertThat(TestData.decompress(codec, ByteBuffer.wrap(compressed))).isEqualTo(data);
        assertThat(TestData.decompress(codec, TestData.direct(compressed))).as("from a direct buffer").isEqualTo(data);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndPayloads")
    void kafkaReadsWhatWeWrite(CompressionType type, String label, byte[] data) throws IOException {
        byte[] compressed = TestData.compress(TestData.codec(type), data, null);
        try (InputStream in = kafkaCompression(type, null)
                .wrapForInput(ByteBuffer.wrap(compressed), RecordBatch.MAGIC_VALUE_V2, BufferSupplier.NO_CACHING)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndPayloads")
    void decompressingLeavesTheCallersBufferAlone(CompressionType type, String label, byte[] data) throws IOException {
        byte[] compressed = TestData.compress(TestData.codec(type), data, null);
        ByteBuffer framed = ByteBuffer.allocate(compressed.length + 10);
        framed.position(5);
        framed.put(compressed).flip().position(5);
        framed.limit(5 + compressed.length);
        assertThat(TestData.decompress(TestData.codec(type), framed)).isEqualTo(data);
        assertThat(framed.position()).isEqualTo(5);
    }

    private static Compression kafkaCompression(CompressionType type, Integer level) {
        switch (type) {
            case GZIP:
                return level == null ? Compression.gzip().build() : Compression.gzip().level(level).build();
            case SNAPPY:
                return Compression.snappy().build();
            case LZ4:
                return level == null ? Compression.lz4().build() : Compression.lz4().level(level).build();
            case ZSTD:
                return level == null ? Compression.zstd().build() : Compression.zstd().level(level).build();
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    private static byte[] kafkaCompress(Compression compression, byte[] data) throws IOException {
        ByteBufferOutputStream sink = new ByteBufferOutputStream(1024);
        try (OutputStream out = compression.wrapForOutput(sink, RecordBatch.MAGIC_VALUE_V2)) {
            out.write(data);
        }
        ByteBuffer buffer = sink.buffer().flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}

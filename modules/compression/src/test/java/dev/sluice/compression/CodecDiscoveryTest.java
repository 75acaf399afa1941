package dev.sluice.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.compression.gzip.GzipCodec;
import dev.sluice.compression.lz4.Lz4Codec;
import dev.sluice.compression.snappy.SnappyCodec;
import dev.sluice.compression.zstd.ZstdCodec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodecDiscoveryTest {

    @Test
    void serviceLoaderFindsAllFourCodecsByIdAndName() {
        CompressionCodecs codecs = CompressionCodecs.installed();
        assertThat(codecs.forId(1)).isInstanceOf(GzipCodec.class);
        assertThat(codecs.forId(2)).isInstanceOf(SnappyCodec.class);
        assertThat(codecs.forId(3)).isInstanceOf(Lz4Codec.class);
        assertThat(codecs.forId(4)).isInstanceOf(ZstdCodec.class);
        for (CompressionType type : new CompressionType[] {CompressionType.GZIP, CompressionType.SNAPPY,
                CompressionType.LZ4, CompressionType.ZSTD}) {
            CompressionCodec byName = codecs.forName(type.configName().toUpperCase(java.util.Locale.ROOT));
            assertThat(byName.id()).isEqualTo(type.id());
            assertThat(byName.name()).isEqualTo(type.configName());
            assertThat(codecs.has(type.id())).isTrue();
        }
        assertThat(codecs.has(0)).isFalse();
    }

    /** Kafka's level ranges: out-of-range levels are refused before any stream is created. */
    @ParameterizedTest
    @CsvSource({"gzip, 0", "gzip, 10", "lz4, 0", "lz4, 18", "zstd, 23"})
    void rejectsLevelsKafkaRejects(String name, int level) {
        CompressionCodec codec = CompressionCodecs.installed().forName(name);
        assertThatThrownBy(() -> codec.compress(new ByteArrayOutputStream(), level))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name + " compression level " + level);
    }

    /** Every end of every range works and changes nothing about what is decompressed. */
    @ParameterizedTest
    @CsvSource({"gzip, 1", "gzip, 9", "gzip, -1", "lz4, 1", "lz4, 17", "zstd, 1", "zstd, 22", "zstd, -5",
            "snappy, 42"})
    void levelsInsideTheRangeRoundTrip(String name, int level) throws Exception {
        CompressionCodec codec = CompressionCodecs.installed().forName(name);
        byte[] data = TestData.compressible(100_000, level);
        byte[] compressed = TestData.compress(codec, data, level);
        assertThat(compressed.length).isLessThan(data.length);
        assertThat(TestData.decompress(codec, ByteBuffer.wrap(compressed))).isEqualTo(data);
    }

    @Test
    void higherLevelsCompressTextBetter() throws Exception {
        byte[] data = TestData.compressible(200_000, 7);
        for (String name : new String[] {"gzip", "lz4", "zstd"}) {
            CompressionCodec codec = CompressionCodecs.installed().forName(name);
            int fast = TestData.compress(codec, data, 1).length;
            int best = TestData.compress(codec, data, name.equals("gzip") ? 9 : name.equals("lz4") ? 17 : 19).length;
            assertThat(best).as(name).isLessThan(fast);
        }
    }
}

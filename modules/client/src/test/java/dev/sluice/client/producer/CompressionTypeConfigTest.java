package dev.sluice.client.producer;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.client.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code compression.type} names any installed codec. Here only sluice-compression is installed
 * (Kafka's four); examples/plugin-example proves a plugin's codec is picked up the same way.
 */
class CompressionTypeConfigTest {

    private static ProducerConfig withCompression(String name) {
        return ProducerConfig.from(Map.of("bootstrap.servers", "127.0.0.1:9092", "compression.type", name));
    }

    @Test
    void kafkasFiveNamesStillWorkInAnyCase() {
        for (String name : List.of("gzip", "snappy", "lz4", "zstd")) {
            ProducerConfig config = withCompression(name.toUpperCase(java.util.Locale.ROOT));
            assertThat(config.compression()).isEqualTo(name);
            assertThat(config.codec().name()).isEqualTo(name);
            assertThat(config.codec()).isSameAs(CompressionCodecs.installed().forName(name));
        }
        assertThat(withCompression("None").compression()).isEqualTo("none");
        assertThat(withCompression("none").codec()).isNull();
        assertThat(ProducerConfig.builder().bootstrapServers("h:1").build().codec()).isNull();
        assertThat(ProducerConfig.builder().bootstrapServers("h:1").compression("lz4").build().codec().id()).isEqualTo(3);
    }

    @Test
    void anUnknownNameIsAConfigErrorListingTheInstalledCodecs() {
        assertThatThrownBy(() -> withCompression("example-rle"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(1))
                .hasMessageContaining("compression.type=example-rle: no compression codec named 'example-rle' is installed")
                // the order of the list is CompressionCodecs' business: check each entry
                .hasMessageContainingAll("gzip=1", "snappy=2", "lz4=3", "zstd=4");
    }

    @Test
    void aCodecWhoseIdDoesNotFitABatchIsRefused() {
        CompressionCodecs codecs = CompressionCodecs.of(List.of(new NamedOnly("wide", 9), new NamedOnly("narrow", 6)));

        assertThat(ProducerConfig.codecName("NARROW", codecs)).isEqualTo("narrow");
        assertThatThrownBy(() -> ProducerConfig.codecName("wide", codecs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("codec 'wide' has id 9, outside the 1-7 a record batch can carry");
    }

    /** A codec that is only ever looked up, never asked to compress. */
    private record NamedOnly(String name, int id) implements CompressionCodec {
        @Override
        public OutputStream compress(OutputStream out, Integer level) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream decompress(ByteBuffer compressed) {
            throw new UnsupportedOperationException();
        }
    }
}

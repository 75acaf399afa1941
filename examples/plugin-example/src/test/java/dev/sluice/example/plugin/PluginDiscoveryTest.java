package dev.sluice.example.plugin;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.partition.Partitioner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugin is found the way Sluice finds plugins: by name or id through ServiceLoader, with no
 * reference to its classes. Surefire puts this module on the module path, so what is found here
 * comes from the {@code provides} clauses.
 */
class PluginDiscoveryTest {

    /** How a host looks a partitioner up by configured name. */
    static Optional<Partitioner> partitionerNamed(String name) {
        // the test runs patched into this module, which provides the service but does not use it;
        // a host (the client) declares `uses` in its module-info. addUses grants it at run time.
        PluginDiscoveryTest.class.getModule().addUses(Partitioner.class);
        return ServiceLoader.load(Partitioner.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name))
                .findFirst();
    }

    @Test
    void theCodecIsFoundByNameAndById() {
        CompressionCodec byName = CompressionCodecs.installed().forName("example-rle");
        CompressionCodec byId = CompressionCodecs.installed().forId(7);

        assertThat(byName.getClass().getName()).isEqualTo("dev.sluice.example.plugin.ExampleRleCodec");
        assertThat(byId).isSameAs(byName);
        assertThat(byName.getClass().getModule().getName()).isEqualTo("dev.sluice.example.plugin");
    }

    @Test
    void thePartitionerIsFoundByName() {
        Partitioner partitioner = partitionerNamed("first-byte").orElseThrow();

        assertThat(partitioner.getClass().getName()).isEqualTo("dev.sluice.example.plugin.FirstBytePartitioner");
        assertThat(partitioner.partition("t", new byte[] {'b', 'x'}, null, 4)).isEqualTo('b' % 4);
        assertThat(partitionerNamed("no-such-partitioner")).isEmpty();
    }

    @Test
    void anUnknownCodecNameFailsNamingWhatIsInstalled() {
        assertThatThrownBy(() -> CompressionCodecs.installed().forName("lzma"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no compression codec named 'lzma'")
                .hasMessageContaining("example-rle=7");
    }

    @Test
    void servicesFilesAnnounceTheSameClassesForTheClassPath() throws IOException {
        assertThat(servicesEntries("dev.sluice.api.partition.Partitioner")).contains("dev.sluice.example.plugin.FirstBytePartitioner");
        assertThat(servicesEntries("dev.sluice.api.compression.CompressionCodec")).contains("dev.sluice.example.plugin.ExampleRleCodec");
        assertThat(servicesEntries("dev.sluice.api.security.Authorizer")).contains("dev.sluice.example.plugin.ScratchOnlyAuthorizer");
    }

    private static List<String> servicesEntries(String service) throws IOException {
        List<String> entries = new java.util.ArrayList<>();
        for (URL url : Collections.list(PluginDiscoveryTest.class.getClassLoader().getResources("META-INF/services/" + service))) {
            try (InputStream in = url.openStream()) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim).forEach(entries::add);
            }
        }
        return entries;
    }
}

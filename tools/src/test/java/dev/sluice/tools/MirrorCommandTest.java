package dev.sluice.tools;

import dev.sluice.connect.mirror.MirrorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice mirror}: usage and configuration errors (mirroring itself is tested in modules/connect and MirrorKillTest). */
class MirrorCommandTest {
    @TempDir
    Path dir;

    private static BrokerTestBase.Result mirror(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "mirror";
        System.arraycopy(args, 0, all, 1, args.length);
        return BrokerTestBase.run(new ByteArrayInputStream(new byte[0]), all);
    }

    @Test
    void usageErrorsAndHelp() {
        assertThat(mirror().exitCode()).isEqualTo(2);
        assertThat(mirror("--help").out()).contains("usage: sluice mirror mirror.properties");
        BrokerTestBase.Result unknown = mirror("m.properties", "--cluster", "b");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option '--cluster'");
        assertThat(mirror(dir.resolve("missing.properties").toString()).err()).contains("cannot read mirror.properties file");
    }

    @Test
    void anInvalidFileIsRefusedListingEveryProblem() throws Exception {
        Path file = dir.resolve("mirror.properties");
        Files.writeString(file, "clusters = a, b\na.bootstrap.servers = 127.0.0.1:1\na->b.enabled = true\n"
                + "a->b.topics = orders[\n");
        BrokerTestBase.Result r = mirror(file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("invalid configuration").contains("b.bootstrap.servers is required")
                .contains("flow a->b: topics is not a regular expression");
        Files.writeString(file, "clusters = a, b\na.bootstrap.servers = 127.0.0.1:1\nb.bootstrap.servers = 127.0.0.1:2\n"
                + "a->b.enabled = true\n");
        assertThat(mirror(file.toString(), "--clusters", "c").err()).contains("no enabled flow has its target in --clusters c");
    }

    @Test
    void theShippedExampleIsValid() throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/release/config/mirror.properties"))) {
            p.load(in);
        }
        Map<String, String> settings = new HashMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        MirrorConfig.Flow flow = MirrorConfig.parse(settings).flows().get(0);
        assertThat(flow.name()).isEqualTo("a->b");
        assertThat(flow.copies("orders")).isTrue();
        assertThat(flow.syncGroupOffsets()).isTrue();
    }
}

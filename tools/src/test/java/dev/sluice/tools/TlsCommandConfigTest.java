package dev.sluice.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sluice} commands over TLS: Kafka's client security settings in {@code --command-config}
 * (security.protocol=SSL, the truststore, a keystore for mutual TLS) reach a broker whose SSL listener
 * requires client certificates; without them the command fails saying so.
 */
class TlsCommandConfigTest {
    @TempDir
    Path dir;

    @Test
    void topicsProduceAndConsumeOverMutualTlsWithCommandConfig() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "SSL://127.0.0.1:0");
        settings.put("ssl.client.auth", "required");
        settings.put("log.dirs", dir.resolve("data").toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        try (Broker broker = Broker.start(BrokerConfig.of(settings))) {
            String bootstrap = broker.bootstrapServers();
            Path config = Files.writeString(dir.resolve("client-ssl.properties"), certs.clientSettings("alice").entrySet()
                    .stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
            BrokerTestBase.Result create = run("", "topics", "--create", "--topic", "tls-cli", "--partitions", "1",
                    "--bootstrap-server", bootstrap, "--command-config", config.toString());
            assertThat(create.exitCode()).as(create.err()).isZero();
            BrokerTestBase.Result produce = run("one\ntwo\n", "produce", "--topic", "tls-cli",
                    "--bootstrap-server", bootstrap, "--command-config", config.toString());
            assertThat(produce.exitCode()).as(produce.err()).isZero();
            BrokerTestBase.Result consume = run("", "consume", "--topic", "tls-cli", "--from-beginning",
                    "--max-messages", "2", "--bootstrap-server", bootstrap, "--command-config", config.toString());
            assertThat(consume.exitCode()).as(consume.err()).isZero();
            assertThat(consume.lines()).containsExactly("one", "two");

            // a client the broker cannot authenticate (no certificate) is refused
            Path noCert = Files.writeString(dir.resolve("no-cert.properties"), certs.clientSettings(null).entrySet()
                    .stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"))
                    + "\nrequest.timeout.ms=3000\ndefault.api.timeout.ms=5000\n");
            BrokerTestBase.Result refused = run("", "topics", "--list", "--bootstrap-server", bootstrap,
                    "--command-config", noCert.toString());
            assertThat(refused.exitCode()).isNotZero();
        }
    }

    private static BrokerTestBase.Result run(String stdin, String... args) {
        return BrokerTestBase.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }
}

package dev.sluice.compat.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.network.Endpoint;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kafka-configs.sh (Kafka 4.1's ConfigCommand) manages SCRAM users on a Sluice broker as on Kafka:
 * {@code --add-config 'SCRAM-SHA-256=[password=...]'}, {@code --describe}, {@code --delete-config}, also
 * over a SASL listener with {@code --command-config}; the users then log in with kafka-clients.
 */
class KafkaConfigsScramTest {
    private static final String ADMIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\";";
    @TempDir
    static Path dir;
    static Broker broker;
    static String plaintext;
    static String sasl;

    @BeforeAll
    static void start() throws Exception {
        broker = Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", ADMIN_JAAS,
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1")));
        plaintext = address("PLAINTEXT");
        sasl = address("SASL_PLAINTEXT");
    }

    private static String address(String listener) {
        Endpoint e = broker.advertisedListeners().stream().filter(l -> l.listenerName().equals(listener)).findFirst().orElseThrow();
        return e.host() + ":" + e.port();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kafkaConfigsAddsDescribesAndDeletesScramCredentialsThatUsersThenLogInWith() throws Exception {
        String configs = "kafka.admin.ConfigCommand";
        KafkaTool.Result added = KafkaTool.run(configs, "--bootstrap-server", plaintext, "--alter", "--entity-type", "users",
                "--entity-name", "alice", "--add-config", "SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-512]");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("Completed updating config for user alice.");
        assertThat(KafkaTool.run(configs, "--bootstrap-server", plaintext, "--describe", "--entity-type", "users",
                "--entity-name", "alice").out())
                .contains("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096");

        try (Admin admin = admin("SCRAM-SHA-256", "alice", "alice-secret")) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
        try (Admin admin = admin("SCRAM-SHA-512", "alice", "alice-secret")) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get()).cause().isInstanceOf(SaslAuthenticationException.class);
        }

        // the same tool over the SASL listener, logged in with --command-config
        Path commandConfig = dir.resolve("admin.properties");
        Files.writeString(commandConfig, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
                + "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\";\n");
        KafkaTool.Result deleted = KafkaTool.run(configs, "--bootstrap-server", sasl, "--command-config", commandConfig.toString(),
                "--alter", "--entity-type", "users", "--entity-name", "alice", "--delete-config", "SCRAM-SHA-512");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(KafkaTool.run(configs, "--bootstrap-server", sasl, "--command-config", commandConfig.toString(),
                "--describe", "--entity-type", "users", "--entity-name", "alice").out())
                .contains("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192")
                .doesNotContain("SCRAM-SHA-512");
        try (Admin admin = admin("SCRAM-SHA-512", "alice", "alice-512")) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get()).cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static Admin admin(String mechanism, String user, String password) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sasl);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", mechanism);
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return Admin.create(props);
    }
}

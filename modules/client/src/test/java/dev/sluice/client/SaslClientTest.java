package dev.sluice.client;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.broker.testing.TestCertificates;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.protocol.sasl.ScramMechanism;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sluice's own client with Kafka's SASL settings (security.protocol=SASL_PLAINTEXT/SASL_SSL,
 * sasl.mechanism, sasl.jaas.config): PLAIN and SCRAM users, SCRAM users managed through the admin
 * client, a wrong password refused with the broker's reason.
 */
class SaslClientTest {
    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\";";
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TestBroker broker;
    static String saslPlaintext;
    static String saslSsl;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0");
        settings.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0");
        settings.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS);
        settings.put("listener.name.sasl_ssl.plain.sasl.jaas.config", PLAIN_JAAS);
        settings.put("offsets.topic.num.partitions", "1");
        broker = TestBroker.start(dir, settings);
        saslPlaintext = "127.0.0.1:" + broker.broker().server().boundPort("SASL_PLAINTEXT");
        saslSsl = "127.0.0.1:" + broker.broker().server().boundPort("SASL_SSL");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private static Properties props(String protocol, String mechanism, String user, String password) {
        Properties p = new Properties();
        if (protocol.equals("SASL_SSL")) {
            p.putAll(certs.clientSettings(null));
        }
        p.put("bootstrap.servers", protocol.equals("SASL_SSL") ? saslSsl : saslPlaintext);
        p.put("security.protocol", protocol);
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", (mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule") + " required username=\"" + user
                + "\" password=\"" + password + "\";");
        p.put("request.timeout.ms", "10000");
        return p;
    }

    @Test
    void scramUsersAddedByTheAdminClientProduceAndConsumeOverSaslPlaintextAndSaslSsl() throws Exception {
        try (SluiceAdmin admin = new SluiceAdmin(props("SASL_PLAINTEXT", "PLAIN", "admin", "admin-secret"))) {
            admin.upsertUserScramCredential("bob", ScramMechanism.SCRAM_SHA_256, "bob-secret", 4096).get(20, TimeUnit.SECONDS);
            admin.upsertUserScramCredential("bob", ScramMechanism.SCRAM_SHA_512, "bob-secret", 8192).get(20, TimeUnit.SECONDS);
            assertThat(admin.describeUserScramCredentials(List.of()).get(20, TimeUnit.SECONDS))
                    .containsEntry("bob", Map.of(ScramMechanism.SCRAM_SHA_256, 4096, ScramMechanism.SCRAM_SHA_512, 8192));
            admin.createTopics(List.of(new NewTopic("sluice-sasl", 1, (short) 1, Map.of()))).get(20, TimeUnit.SECONDS);
        }
        try (SluiceProducer producer = new SluiceProducer(props("SASL_PLAINTEXT", "SCRAM-SHA-256", "bob", "bob-secret"))) {
            producer.send(ProducerRecord.of("sluice-sasl", "over-sasl-plaintext".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
        }
        try (SluiceProducer producer = new SluiceProducer(props("SASL_SSL", "SCRAM-SHA-512", "bob", "bob-secret"))) {
            producer.send(ProducerRecord.of("sluice-sasl", "over-sasl-ssl".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
        }
        Properties consumerProps = props("SASL_SSL", "PLAIN", "admin", "admin-secret");
        consumerProps.put("group.id", "sluice-sasl-group");
        consumerProps.put("auto.offset.reset", "earliest");
        List<String> values = new ArrayList<>();
        try (SluiceConsumer consumer = new SluiceConsumer(consumerProps)) {
            consumer.subscribe(List.of("sluice-sasl"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(values).containsExactly("over-sasl-plaintext", "over-sasl-ssl");
    }

    @Test
    void aWrongPasswordFailsWithTheBrokersReason() {
        Properties p = props("SASL_PLAINTEXT", "PLAIN", "admin", "wrong");
        p.put("request.timeout.ms", "5000");
        try (SluiceAdmin admin = new SluiceAdmin(p)) {
            assertThatThrownBy(() -> admin.listTopics().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("Authentication failed: Invalid username or password");
        }
    }

    @Test
    void missingOrMismatchedLoginSettingsAreNamed() {
        Properties noJaas = props("SASL_PLAINTEXT", "PLAIN", "a", "b");
        noJaas.remove("sasl.jaas.config");
        assertThatThrownBy(() -> new SluiceAdmin(noJaas)).hasMessageContaining("sasl.jaas.config must be set");
        Properties gssapi = props("SASL_PLAINTEXT", "GSSAPI", "a", "b");
        assertThatThrownBy(() -> new SluiceAdmin(gssapi)).hasMessageContaining("GSSAPI is not supported");
    }
}

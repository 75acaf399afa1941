package dev.sluice.client;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.broker.testing.TestCertificates;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.protocol.tls.TlsConfigException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sluice's own client over TLS with Kafka's client settings (security.protocol=SSL, ssl.truststore.*,
 * ssl.keystore.* for mutual TLS) against a broker whose SSL listener requires client certificates.
 */
class TlsClientTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TestBroker broker;
    static String sslBootstrap;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0");
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0");
        settings.put("ssl.client.auth", "required");
        settings.put("offsets.topic.num.partitions", "1");
        broker = TestBroker.start(dir, settings);
        sslBootstrap = "127.0.0.1:" + broker.broker().server().boundPort("SSL");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    private static Properties props(String keystore, String truststore) {
        Properties p = new Properties();
        p.putAll(certs.clientSettings(keystore));
        if (truststore != null) {
            p.put("ssl.truststore.location", certs.store(truststore).toString());
        }
        p.put("bootstrap.servers", sslBootstrap);
        p.put("request.timeout.ms", "10000");
        return p;
    }

    @Test
    void producerConsumerAndAdminWorkOverMutualTls() throws Exception {
        try (SluiceAdmin admin = new SluiceAdmin(props("alice", null))) {
            admin.createTopics(List.of(new NewTopic("sluice-tls", 1, (short) 1, Map.of()))).get(20, TimeUnit.SECONDS);
        }
        Properties producerProps = props("alice", null);
        List<CompletableFuture<?>> acks = new ArrayList<>();
        try (SluiceProducer producer = new SluiceProducer(producerProps)) {
            for (int i = 0; i < 1_000; i++) {
                // values above a TLS record's 16 KiB now and then: responses and requests span records
                String value = "v" + i + (i % 100 == 0 ? "x".repeat(40_000) : "");
                acks.add(producer.send(ProducerRecord.of("sluice-tls", value.getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
        }
        for (CompletableFuture<?> ack : acks) {
            ack.get(20, TimeUnit.SECONDS);
        }
        Properties consumerProps = props("alice", null);
        consumerProps.put("group.id", "sluice-tls-group");
        consumerProps.put("auto.offset.reset", "earliest");
        List<String> values = new ArrayList<>();
        try (SluiceConsumer consumer = new SluiceConsumer(consumerProps)) {
            consumer.subscribe(List.of("sluice-tls"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 1_000 && System.nanoTime() < deadline) {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            consumer.commitSync();
        }
        assertThat(values).hasSize(1_000);
        assertThat(values.get(100)).startsWith("v100x").hasSize(4 + 40_000);
    }

    @Test
    void aBrokerTheTruststoreDoesNotVouchForFailsTheRequestWithAnAuthenticationError() {
        Properties p = props("alice", "untrusted-truststore");
        p.put("request.timeout.ms", "5000");
        try (SluiceAdmin admin = new SluiceAdmin(p)) {
            assertThatThrownBy(() -> admin.listTopics().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfAny(AuthenticationException.class, TimeoutException.class);
        }
    }

    @Test
    void plaintextSpokenToTheTlsListenerFailsAtOnceNamingTheSetting() {
        Properties p = new Properties();
        p.put("bootstrap.servers", sslBootstrap);
        p.put("default.api.timeout.ms", "60000");
        long start = System.nanoTime();
        try (SluiceAdmin admin = new SluiceAdmin(p)) {
            // the TLS alert the listener answers with is not retried until the timeout: the next try meets it again
            assertThatThrownBy(() -> admin.listTopics().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("answered in TLS").hasMessageContaining("security.protocol=SSL");
        }
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    }

    @Test
    void aMissingTruststoreFailsAtCreationNamingTheSetting() {
        Properties p = props(null, null);
        p.put("ssl.truststore.location", dir.resolve("no-such-truststore.p12").toString());
        assertThatThrownBy(() -> new SluiceAdmin(p).close())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("ssl.truststore.location");
    }
}

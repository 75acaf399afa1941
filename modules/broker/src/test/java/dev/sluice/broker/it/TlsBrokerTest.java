package dev.sluice.broker.it;

import dev.sluice.broker.testing.TestCertificates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A broker with a PLAINTEXT and an SSL listener requiring client certificates (mutual TLS): kafka-clients and
 * kcat (librdkafka) produce and consume over SSL; a client without a certificate, with an expired one, with a
 * truststore that does not hold the broker's authority, or speaking PLAINTEXT to the SSL port is refused while
 * the broker serves everyone else.
 */
class TlsBrokerTest {
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
        settings.put("ssl.client.auth", "required");
        settings.put("offsets.topic.num.partitions", "1");
        broker = TestBroker.start(dir, settings);
        sslBootstrap = "127.0.0.1:" + broker.broker().server().boundPort("SSL");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, Object> ssl(String keystore, String truststore) {
        Map<String, Object> m = new HashMap<>(certs.clientSettings(keystore));
        if (truststore != null) {
            m.put("ssl.truststore.location", certs.store(truststore).toString());
        }
        return m;
    }

    private static Admin admin(Map<String, Object> security) {
        Map<String, Object> props = new HashMap<>(security);
        props.put("bootstrap.servers", sslBootstrap);
        props.put("request.timeout.ms", 10_000);
        props.put("default.api.timeout.ms", 15_000);
        return Admin.create(props);
    }

    @Test
    void kafkaClientsProduceAndConsumeInAGroupOverMutualTls() throws Exception {
        try (Admin admin = admin(ssl("alice", null))) {
            admin.createTopics(List.of(new NewTopic("tls-clients", 2, (short) 1))).all().get();
            // Metadata over the SSL listener names the SSL addresses
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::port)
                    .containsExactly(broker.broker().server().boundPort("SSL"));
        }
        Map<String, Object> producerSettings = new HashMap<>(ssl("alice", null));
        producerSettings.put("linger.ms", 5);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(sslBootstrap, producerSettings)) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>("tls-clients", i % 2, null, ("record-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        Map<String, Object> consumerSettings = new HashMap<>(ssl("alice", null));
        consumerSettings.put("group.id", "tls-group");
        consumerSettings.put("fetch.min.bytes", 1);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(sslBootstrap, consumerSettings)) {
            consumer.subscribe(List.of("tls-clients"));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 500);
            assertThat(records).hasSize(500);
            assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct().count()).isEqualTo(500);
            consumer.commitSync();
        }
        // the same data over the PLAINTEXT listener
        try (KafkaConsumer<byte[], byte[]> plain = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            plain.assign(List.of(new org.apache.kafka.common.TopicPartition("tls-clients", 0)));
            assertThat(KafkaClients.pollUntil(plain, 250)).hasSize(250);
        }
    }

    @Test
    void clientsWithoutAValidCertificateOrTrustAreRefusedAndTheBrokerServesOthers() throws Exception {
        Map<String, Map<String, Object>> refused = new HashMap<>();
        refused.put("no client certificate", ssl(null, null));
        refused.put("expired client certificate", ssl("expired", null));
        refused.put("broker's authority not trusted", ssl("alice", "untrusted-truststore"));
        Map<String, Object> plaintext = new HashMap<>();
        plaintext.put("security.protocol", "PLAINTEXT");
        refused.put("PLAINTEXT to the SSL port", plaintext);
        long failuresBefore = broker.broker().server().metrics().tlsHandshakeFailures();
        // the four clients at once: most of them only give up at their timeout
        Map<String, Admin> admins = new HashMap<>();
        Map<String, KafkaFuture<?>> calls = new HashMap<>();
        try {
            for (Map.Entry<String, Map<String, Object>> e : refused.entrySet()) {
                Map<String, Object> props = new HashMap<>(e.getValue());
                props.put("default.api.timeout.ms", 4_000);
                props.put("request.timeout.ms", 3_000);
                Admin admin = admin(props);
                admins.put(e.getKey(), admin);
                calls.put(e.getKey(), admin.listTopics().names());
            }
            for (Map.Entry<String, KafkaFuture<?>> call : calls.entrySet()) {
                assertThatThrownBy(() -> call.getValue().get(6, TimeUnit.SECONDS)).as(call.getKey())
                        .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
            }
        } finally {
            admins.values().forEach(admin -> admin.close(Duration.ZERO)); // what they still retry is of no interest
        }
        assertThat(broker.broker().server().metrics().tlsHandshakeFailures()).isGreaterThanOrEqualTo(failuresBefore + 4);
        try (Admin admin = admin(ssl("alice", null))) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void kcatProducesAndConsumesOverMutualTls() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Kcat.installed(), "kcat is not installed");
        try (Admin admin = admin(ssl("alice", null))) {
            admin.createTopics(List.of(new NewTopic("tls-kcat", 1, (short) 1))).all().get();
        }
        Path[] alice = certs.pem("alice");
        List<String> tls = List.of("-X", "security.protocol=ssl", "-X", "ssl.ca.location=" + certs.caPem(),
                "-X", "ssl.certificate.location=" + alice[0], "-X", "ssl.key.location=" + alice[1]);
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            input.append("kcat-").append(i).append('\n');
        }
        assertThat(kcat(input.toString(), tls, "-P", "-t", "tls-kcat").exitCode()).isZero();
        Result consumed = kcat(null, tls, "-C", "-t", "tls-kcat", "-o", "beginning", "-e", "-c", "100");
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        assertThat(consumed.stdout().lines().toList()).hasSize(100).startsWith("kcat-0").endsWith("kcat-99");
        // without its certificate librdkafka is refused
        Result refused = kcat(null, List.of("-X", "security.protocol=ssl", "-X", "ssl.ca.location=" + certs.caPem(),
                "-m", "5"), "-L");
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    }

    @Test
    void saslSslIsTlsBelowTheLogin(@TempDir Path saslDir) throws Exception {
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "SASL_SSL://127.0.0.1:0");
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("listener.name.sasl_ssl.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS);
        try (TestBroker saslSsl = TestBroker.start(saslDir, settings)) {
            Map<String, Object> login = new HashMap<>(certs.clientSettings(null));
            login.putAll(SaslAuthenticationTest.login("PLAIN", "alice", "alice-secret"));
            login.put("security.protocol", "SASL_SSL");
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(saslSsl.bootstrap(), login)) {
                producer.send(new ProducerRecord<>("over-sasl-ssl", "x".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
            }
            assertThat(saslSsl.broker().server().metrics().tlsHandshakes()).isPositive();
            // TLS alone is not a login
            Map<String, Object> noLogin = new HashMap<>(certs.clientSettings(null));
            noLogin.put("default.api.timeout.ms", 4_000);
            noLogin.put("request.timeout.ms", 3_000);
            noLogin.put("bootstrap.servers", saslSsl.bootstrap());
            try (Admin admin = Admin.create(noLogin)) {
                assertThatThrownBy(() -> admin.listTopics().names().get(6, TimeUnit.SECONDS))
                        .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
            }
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result kcat(String stdin, List<String> security, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", sslBootstrap));
        command.addAll(security);
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "kcat", ".out");
        Path err = Files.createTempFile(dir, "kcat", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                throw new AssertionError("kcat did not finish: " + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }
}

package dev.sluice.replication.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.TestCertificates;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers whose inter-broker listener is secured: replica fetchers, the controller's channels and the
 * links to the controller all go over it, and replication works as over PLAINTEXT: acks=all records end up
 * identical on all three replicas, and a new leader has every acknowledged record. The test's own clients use
 * the PLAINTEXT listener, so every TLS handshake and login on the secured listener came from another broker
 * (a SASL listener answers nothing but the login before one).
 */
class SecuredInterBrokerReplicationTest {
    private static final String TOPIC = "secured-replicated";
    @TempDir
    Path dir;
    private InProcessReplicaCluster nodes;

    @BeforeEach
    void cluster() {
        nodes = new InProcessReplicaCluster(dir);
    }

    @AfterEach
    void stop() {
        nodes.close();
    }

    /**
     * SSL with client certificates required, every TLS setting the listener's own ({@code listener.name.internal.ssl.*},
     * none broker-wide): each broker presents the listener's keystore as a client and trusts its truststore.
     */
    @Test
    void replicationOverAMutualTlsInterBrokerListenerKeepsReplicasIdentical() throws Exception {
        Map<String, String> settings = secured("SSL", "listener.name.internal.");
        settings.put("listener.name.internal.ssl.client.auth", "required");
        replicatesAndFailsOver(settings);
    }

    /**
     * SASL_SSL with SCRAM-SHA-256, Kafka's settings: the brokers log in as {@code broker} with the listener's
     * JAAS username and password, whose credential is in the cluster's store before they start.
     */
    @Test
    void replicationOverASaslSslScramInterBrokerListenerKeepsReplicasIdentical() throws Exception {
        Map<String, String> settings = secured("SASL_SSL", "");
        settings.put("listener.name.internal.sasl.enabled.mechanisms", "SCRAM-SHA-256");
        settings.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-256");
        settings.put("listener.name.internal.scram-sha-256.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\" password=\"broker-secret\";");
        nodes.addScramUser("broker", "SCRAM-SHA-256", "broker-secret");
        replicatesAndFailsOver(settings);
    }

    /**
     * PLAINTEXT for the test's clients, INTERNAL of {@code protocol} between the brokers, the TLS settings'
     * names prefixed with {@code sslPrefix}.
     */
    private Map<String, String> secured(String protocol, String sslPrefix) throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>();
        certs.brokerSettings().forEach((k, v) -> settings.put(sslPrefix + k, v));
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:" + protocol);
        settings.put("inter.broker.listener.name", "INTERNAL");
        return settings;
    }

    private void replicatesAndFailsOver(Map<String, String> settings) throws Exception {
        for (int id = 1; id <= 3; id++) {
            nodes.start(id, "file", settings);
        }
        List<TopicPartition> tps = nodes.createTopic(TOPIC, 2);

        List<String> acknowledged = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = InProcessReplicaCluster.producer(nodes.broker(1).bootstrapServers(), "all")) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sends.add(producer.send(new ProducerRecord<>(TOPIC, i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8))));
            }
            for (int i = 0; i < sends.size(); i++) {
                sends.get(i).get(); // acks=all: the followers fetched it over the secured listener
                acknowledged.add("v" + i);
            }
        }
        for (TopicPartition tp : tps) {
            await("identical replicas of " + tp, () -> nodes.identical(tp));
        }
        for (Broker b : nodes.brokers()) {
            assertThat(b.server().metrics().tlsHandshakes()).as("TLS handshakes at broker " + b.config().nodeId())
                    .isPositive();
            assertThat(b.server().metrics().tlsHandshakeFailures()).isZero();
        }

        // the leader of partition 0 stops: the new one (elected over the secured control channels) has every record
        int leader = nodes.leaderOf(tps.get(0)).config().nodeId();
        nodes.stop(leader);
        Broker survivor = nodes.brokers().get(0);
        await("a new leader of " + tps.get(0), () -> {
            Broker l = nodes.leaderOf(tps.get(0));
            return l != null && l.config().nodeId() != leader;
        });
        List<String> consumed = InProcessReplicaCluster.consumeAll(survivor.bootstrapServers(), TOPIC, 2, acknowledged.size());
        assertThat(consumed).containsExactlyInAnyOrderElementsOf(acknowledged);
    }
}

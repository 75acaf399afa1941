package dev.sluice.replication.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.TestCertificates;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
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
 * Three brokers whose inter-broker listener is SSL with client certificates required (each broker presents
 * its own keystore as a client): replica fetchers, the controller's channels and the links to the controller
 * all go over TLS, and replication works as over PLAINTEXT: acks=all records end up identical on all three
 * replicas, and a new leader has every acknowledged record. The test's own clients use the PLAINTEXT listener,
 * so every TLS handshake a broker completes came from another broker.
 */
class TlsInterBrokerReplicationTest {
    private static final String TOPIC = "tls-replicated";
    @TempDir
    Path dir;
    private InProcessReplicaCluster nodes;

    @AfterEach
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void replicationOverAMutualTlsInterBrokerListenerKeepsReplicasIdentical() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:SSL");
        settings.put("inter.broker.listener.name", "INTERNAL");
        settings.put("ssl.client.auth", "required");
        nodes = new InProcessReplicaCluster(dir);
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
                sends.get(i).get(); // acks=all: the followers fetched it over TLS
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

        // the leader of partition 0 stops: the new one (elected over the TLS control channels) has every record
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

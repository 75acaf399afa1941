package dev.sluice.replication.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.sluice.broker.testing.Await.await;
import static dev.sluice.replication.it.InProcessReplicaCluster.replica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idempotent acks=all producer writes without pause (rf=3, min.insync.replicas=2) while the
 * leader of the partition is stopped ({@code Broker.close}) and restarted three times in a row,
 * each time while writes go on. Every stopped broker
 * comes back as a follower, catches up and rejoins; afterwards every acknowledged record is in the
 * log exactly once, in the order it was acknowledged, and all three replicas are identical.
 */
class RepeatedFailoverTest {
    private static final String TOPIC = "failover";

    @TempDir
    Path dir;
    private InProcessReplicaCluster nodes;

    @AfterEach
    void stop() {
        nodes.close();
    }

    @Test
    void everyAcknowledgedRecordSurvivesRepeatedLeaderFailoversExactlyOnce() throws Exception {
        nodes = new InProcessReplicaCluster(dir);
        Map<String, String> settings = Map.of("min.insync.replicas", "2");
        for (int id = 1; id <= 3; id++) {
            nodes.start(id, "file", settings);
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        nodes.createTopic(TOPIC, 1);

        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        String bootstrap = nodes.bootstrapServers();
        Thread writer = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = InProcessReplicaCluster.producer(bootstrap, "all")) {
                for (int i = 0; running.get(); i++) {
                    String value = "r" + i;
                    try {
                        producer.send(new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8))).get();
                        acknowledged.add(value);
                    } catch (Exception e) {
                        failures.add(e); // not acknowledged: may or may not be in the log, never twice
                    }
                }
            }
        }, "failover-test-writer");
        writer.start();
        try {
            for (int round = 0; round < 3; round++) {
                int before = acknowledged.size();
                await("writes acknowledged before round " + round, () -> acknowledged.size() >= before + 50);
                Broker leader = nodes.leaderOf(tp);
                int id = leader.config().nodeId();
                nodes.stop(id);
                await("a new leader after stopping broker " + id, () -> nodes.leaderOf(tp) != null);
                int during = acknowledged.size();
                await("writes acknowledged by the new leader", () -> acknowledged.size() >= during + 50);
                nodes.start(id, "file", settings);
                await("broker " + id + " back in the ISR", () -> {
                    Broker current = nodes.leaderOf(tp);
                    return current != null && replica(current, tp).map(p -> p.isr().assignment() != null
                            && p.isr().assignment().isr().size() == 3).orElse(false);
                });
            }
        } finally {
            running.set(false);
            writer.join(120_000);
        }
        assertThat(writer.isAlive()).isFalse();
        await("identical replicas", () -> nodes.identical(tp));

        Broker any = nodes.brokers().get(0);
        List<String> consumed = InProcessReplicaCluster.consumeAll(any.bootstrapServers(), TOPIC, 1, acknowledged.size());
        Set<String> distinct = new HashSet<>(consumed);
        assertThat(distinct).as("no record twice").hasSize(consumed.size());
        assertThat(consumed).as("every acknowledged record").containsAll(acknowledged);
        List<String> acknowledgedInLog = consumed.stream().filter(new HashSet<>(acknowledged)::contains).toList();
        assertThat(acknowledgedInLog).as("in the order acknowledged").containsExactlyElementsOf(acknowledged);
        System.getLogger(RepeatedFailoverTest.class.getName()).log(System.Logger.Level.INFO, String.format(
                "repeated failover: %d acknowledged, %d failed sends, %d in the log",
                acknowledged.size(), failures.size(), consumed.size()));
    }
}

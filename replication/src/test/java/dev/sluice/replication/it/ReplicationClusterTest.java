package dev.sluice.replication.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.Partition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers on one in-process cluster state (the ZooKeeper code path without ZooKeeper), all on
 * the file engine, all on LMDB, or mixed within each partition (the replicated unit is the batch): an rf=3 topic written by an idempotent kafka-clients producer
 * with acks=all ends up identical on all three replicas, batch for batch (offsets, leader epochs,
 * bytes) with the same epoch history; when a partition's leader stops, the new leader has every
 * acknowledged record, the producer goes on there with its sequence numbers (its state was
 * replicated) and a retry of a replicated batch is answered as a duplicate; the stopped broker
 * returns as a follower and catches up. No replica fetcher thread outlives its broker.
 */
class ReplicationClusterTest {
    private static final String TOPIC = "replicated";
    @TempDir
    Path dir;
    private InProcessReplicaCluster nodes;

    @AfterEach
    void stop() {
        nodes.close();
    }

    private Broker start(int id, String storage) throws IOException {
        return nodes.start(id, storage, Map.of());
    }

    @ParameterizedTest(name = "brokers on {0}, {1}, {2}")
    @CsvSource({"file, lmdb, file", "file, file, file", "lmdb, lmdb, lmdb"})
    void replicasAreIdenticalAndANewLeaderHasEveryAcknowledgedRecord(String one, String two, String three) throws Exception {
        nodes = new InProcessReplicaCluster(dir);
        Map<Integer, String> storage = Map.of(1, one, 2, two, 3, three);
        storage.forEach((id, engine) -> {
            try {
                start(id, engine);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<TopicPartition> tps = nodes.createTopic(TOPIC, 2);

        List<String> acknowledged = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = InProcessReplicaCluster.producer(nodes.broker(1).bootstrapServers(), "all")) {
            List<Future<?>> sends = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String value = "v" + i;
                values.add(value);
                sends.add(producer.send(new ProducerRecord<>(TOPIC, i % 2, null, value.getBytes(StandardCharsets.UTF_8))));
            }
            for (int i = 0; i < sends.size(); i++) {
                sends.get(i).get(); // acks=all: acknowledged only once the whole ISR has it
                acknowledged.add(values.get(i));
            }

            for (TopicPartition tp : tps) {
                await("identical replicas of " + tp, () -> nodes.identical(tp));
            }
            // each follower fetches each partition on the fetcher Kafka's rule picks among num.replica.fetchers=2
            Set<String> running = InProcessReplicaCluster.fetcherThreads();
            for (TopicPartition tp : tps) {
                int leader = nodes.leaderOf(tp).config().nodeId();
                int index = ((31 * tp.topic().hashCode() + tp.partition()) & 0x7fffffff) % 2;
                for (int follower : nodes.ids()) {
                    if (follower != leader) {
                        assertThat(running).contains("sluice-replica-fetcher-" + follower + "-from-" + leader + "-" + index);
                    }
                }
            }

            // each replica is on its broker's engine
            storage.forEach((id, engine) -> assertThat(InProcessReplicaCluster.replica(nodes.broker(id), tps.get(0)).orElseThrow().log()
                    .getClass().getName().toLowerCase(java.util.Locale.ROOT)).contains(engine.equals("lmdb") ? "lmdb" : "file"));

            // the leader of partition 0 stops
            TopicPartition tp0 = tps.get(0);
            Broker old = nodes.leaderOf(tp0);
            int oldId = old.config().nodeId();
            List<String> before = InProcessReplicaCluster.batches(InProcessReplicaCluster.replica(old, tp0).orElseThrow());
            nodes.stop(oldId);
            await("a new leader of " + tp0, () -> nodes.leaderOf(tp0) != null);
            Broker next = nodes.leaderOf(tp0);
            assertThat(InProcessReplicaCluster.batches(InProcessReplicaCluster.replica(next, tp0).orElseThrow())).as("the new leader's log").isEqualTo(before);

            // the same producer goes on at the new leader: its sequence numbers were replicated
            for (int i = 300; i < 340; i++) {
                String value = "v" + i;
                producer.send(new ProducerRecord<>(TOPIC, i % 2, null, value.getBytes(StandardCharsets.UTF_8))).get();
                acknowledged.add(value);
            }

            // a retry of the producer's last batch, sent to the new leader, is answered as a duplicate
            Partition newLeader = InProcessReplicaCluster.replica(next, tp0).orElseThrow();
            ByteBuffer last = InProcessReplicaCluster.lastBatch(newLeader);
            long lastBase = last.getLong(0);
            long endBefore = newLeader.logEndOffset();
            AppendOutcome outcome = newLeader.appendAsLeader(last);
            assertThat(outcome).isInstanceOf(AppendOutcome.Appended.class);
            assertThat(((AppendOutcome.Appended) outcome).duplicate()).isTrue();
            assertThat(((AppendOutcome.Appended) outcome).firstOffset()).isEqualTo(lastBase);
            assertThat(newLeader.logEndOffset()).isEqualTo(endBefore);

            // the stopped broker returns as a follower and catches up
            start(oldId, storage.get(oldId));
            for (TopicPartition tp : tps) {
                await("identical replicas of " + tp + " after the restart", () -> nodes.identical(tp));
            }
        }

        List<String> consumed = InProcessReplicaCluster.consumeAll(nodes.brokers().get(0).bootstrapServers(), TOPIC, 2, acknowledged.size());
        assertThat(consumed).as("every acknowledged record exactly once").containsExactlyInAnyOrderElementsOf(acknowledged);
    }
}

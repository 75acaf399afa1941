package dev.sluice.broker.it;

import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers started with {@code zookeeper.connect} join one cluster (here through sessions of
 * one in-process metadata store, the same code path as ZooKeeper): they register, one becomes the
 * controller, CreateTopics on any broker places partitions over all three, the controller's
 * UpdateMetadata/LeaderAndIsr over the network make every broker answer Metadata for the whole
 * cluster, and kafka-clients produce and consume across it; when the controller stops, another is
 * elected with a higher epoch.
 */
class ClusterModeTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = new InProcessCluster(dir);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static TopicDescription describe(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void threeBrokersFormAClusterThatClientsUseAndTheControllerFailsOver() throws Exception {
        Broker one = cluster.start(1);
        cluster.start(2);
        cluster.start(3);
        var store = cluster.store();
        await("three brokers registered", () -> store.liveBrokers().keySet(), ids -> ids.equals(Set.of(1, 2, 3)));
        int controller = await("a controller", () -> store.controllerId(), c -> c.isPresent()).getAsInt();
        int epoch = store.controllerEpoch();

        try (Admin admin = KafkaClients.admin(one.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("spread", 6, (short) 1))).all().get();
            for (Broker b : cluster.brokers()) {
                try (Admin each = KafkaClients.admin(b.bootstrapServers())) {
                    TopicDescription described = await("metadata of 'spread' on broker " + b.config().nodeId(), () -> {
                        try {
                            return each.describeTopics(List.of("spread")).allTopicNames().get().get("spread");
                        } catch (Exception e) {
                            return null;
                        }
                    }, d -> d != null && d.partitions().size() == 6
                            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                    Set<Integer> leaders = new HashSet<>();
                    for (TopicPartitionInfo p : described.partitions()) {
                        leaders.add(p.leader().id());
                    }
                    assertThat(leaders).as("leaders of the 6 partitions").isEqualTo(Set.of(1, 2, 3));
                    assertThat(each.describeCluster().nodes().get()).extracting(Node::id)
                            .containsExactlyInAnyOrder(1, 2, 3);
                    assertThat(each.describeCluster().controller().get().id()).isEqualTo(controller);
                }
            }
        }

        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(one.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 60; i++) {
                producer.send(new ProducerRecord<>("spread", i % 6, null, ("r" + i).getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(one.bootstrapServers(), Map.of())) {
            consumer.assign(IntStream.range(0, 6).mapToObj(p -> new TopicPartition("spread", p)).toList());
            consumer.seekToBeginning(consumer.assignment());
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 60);
            assertThat(records).hasSize(60);
        }

        try (Admin admin = KafkaClients.admin(one.bootstrapServers())) {
            admin.createPartitions(Map.of("spread", org.apache.kafka.clients.admin.NewPartitions.increaseTo(9)))
                    .all().get();
            await("9 partitions, each led", () -> describe(admin, "spread"), d -> d != null
                    && d.partitions().size() == 9 && d.partitions().stream().allMatch(p -> p.leader() != null
                    && !p.leader().isEmpty()));
            admin.deleteTopics(List.of("spread")).all().get();
            await("the topic gone from every broker", () -> cluster.brokers().stream().allMatch(b ->
                    b.partitions().all().stream().noneMatch(p -> p.topicPartition().topic().equals("spread"))
                            && b.metadataCache().snapshot().topic("spread").isEmpty()), gone -> gone);
            admin.createTopics(List.of(new NewTopic("spread", 3, (short) 1))).all().get();
            TopicDescription again = await("the re-created topic led", () -> describe(admin, "spread"), d -> d != null
                    && d.partitions().size() == 3 && d.partitions().stream().allMatch(p -> p.leader() != null
                    && !p.leader().isEmpty()));
            assertThat(again.topicId()).isNotNull();
        }

        cluster.stop(controller);
        int next = await("a new controller", () -> store.controllerId(),
                c -> c.isPresent() && c.getAsInt() != controller).getAsInt();
        assertThat(next).isNotEqualTo(controller);
        assertThat(store.controllerEpoch()).isGreaterThan(epoch);
    }
}

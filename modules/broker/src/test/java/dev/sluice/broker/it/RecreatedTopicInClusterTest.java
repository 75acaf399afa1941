package dev.sluice.broker.it;

import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.InProcessCluster;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topic deleted while a broker was down and re-created under the same name once it is back: the
 * broker, which still holds the old topic's replica and data, takes the new topic (by its id) and
 * drops the old one's data, and a late LeaderAndIsr about the old topic (its id, a higher leader
 * epoch) is refused without touching the new topic's replica.
 */
class RecreatedTopicInClusterTest {
    private static final String TOPIC = "again";

    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Partition hosted(Broker broker, int partition) {
        return broker.partitions().partition(new TopicPartition(TOPIC, partition)).orElse(null);
    }

    @Test
    void aBrokerThatMissedTheDeletionTakesTheRecreatedTopicByIdAndRefusesStaleRequests() throws Exception {
        cluster = new InProcessCluster(dir);
        Map<String, String> settings = Map.of("controlled.shutdown.enable", "false");
        cluster.start(1, settings);
        cluster.start(2, settings);
        await("two brokers", () -> cluster.store().liveBrokers().size(), n -> n == 2);
        Broker controller = cluster.controller();
        int victim = controller.config().nodeId() == 1 ? 2 : 1;
        try (Admin admin = KafkaClients.admin(controller.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(victim, controller.config().nodeId())))))
                    .all().get(20, TimeUnit.SECONDS);
        }
        UUID oldId = await("the old topic", () -> cluster.store().topic(TOPIC), t -> t.isPresent()).get().value().topicId();
        await("the victim leads the old topic", () -> hosted(cluster.broker(victim), 0),
                p -> p != null && p.role() instanceof PartitionRole.Leader);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(cluster.broker(victim).bootstrapServers(),
                Map.of("acks", "1"))) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[] {(byte) i})).get(20, TimeUnit.SECONDS);
            }
        }
        // bump the old topic's leader epoch (broker failure and return), so that stale epochs exceed the new topic's
        cluster.stop(victim);
        try (Admin admin = KafkaClients.admin(controller.bootstrapServers())) {
            admin.deleteTopics(List.of(TOPIC)).all().get(20, TimeUnit.SECONDS);
            await("the topic deleted in the store", () -> cluster.store().topic(TOPIC), t -> t.isEmpty());
        }
        Broker back = cluster.start(victim, settings);
        assertThat(hosted(back, 0)).as("the old replica, still on disk").isNotNull();
        assertThat(hosted(back, 0).logEndOffset()).isEqualTo(5);
        await("the victim registered again", () -> cluster.store().liveBrokers().containsKey(victim), b -> b);

        try (Admin admin = KafkaClients.admin(controller.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(victim, controller.config().nodeId())))))
                    .all().get(20, TimeUnit.SECONDS);
        }
        UUID newId = await("the new topic", () -> cluster.store().topic(TOPIC), t -> t.isPresent()).get().value().topicId();
        assertThat(newId).isNotEqualTo(oldId);
        Partition replaced = await("the victim hosts the new topic, leading it", () -> hosted(back, 0),
                p -> p != null && p.role() instanceof PartitionRole.Leader
                        && back.partitions().topics().get(TOPIC).map(t -> t.id().equals(newId)).orElse(false));
        assertThat(replaced.logEndOffset()).as("the old topic's records are gone").isZero();
        PartitionState state = cluster.store().partitionState(TOPIC, 0).orElseThrow().value();
        assertThat(replaced.leaderEpoch()).isEqualTo(state.leaderEpoch());

        // a late LeaderAndIsr about the old topic, with a higher leader epoch, from the current controller
        Struct stale = ApiKey.LEADER_AND_ISR.newRequest().set("ControllerId", controller.config().nodeId())
                .set("ControllerEpoch", cluster.store().controllerEpoch()).set("BrokerEpoch", -1L).set("Type", (byte) 0);
        stale.addStruct("TopicStates").set("TopicName", TOPIC).set("TopicId", oldId).addStruct("PartitionStates")
                .set("PartitionIndex", 0).set("ControllerEpoch", cluster.store().controllerEpoch())
                .set("Leader", controller.config().nodeId()).set("LeaderEpoch", state.leaderEpoch() + 5)
                .set("Isr", List.of(controller.config().nodeId())).set("PartitionEpoch", 99)
                .set("Replicas", List.of(victim, controller.config().nodeId()));
        try (WireClient client = new WireClient(back.bootstrapServers())) {
            Struct answer = client.call(ApiKey.LEADER_AND_ISR, ApiKey.LEADER_AND_ISR.latestVersion(), stale);
            assertThat(Errors.forCode(answer.getArray("Topics").get(0).getArray("PartitionErrors").get(0)
                    .getShort("ErrorCode"))).isEqualTo(Errors.INCONSISTENT_TOPIC_ID);
        }
        Partition after = hosted(back, 0);
        assertThat(after.role()).isInstanceOf(PartitionRole.Leader.class);
        assertThat(after.leaderEpoch()).isEqualTo(state.leaderEpoch());
        assertThat(back.partitions().topics().get(TOPIC).orElseThrow().id()).isEqualTo(newId);
    }
}

package dev.sluice.broker.it;

import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.InProcessCluster;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brokers' requests to the controller over the wire, in a two-broker cluster (in-process store):
 * AlterPartition changes a partition's ISR at the controller (leader epoch kept, partition epoch
 * moved, the other broker's metadata updated) and refuses stale or foreign requests with Kafka's
 * errors; ControlledShutdown moves leadership off the broker; a broker that is not the controller
 * answers NOT_CONTROLLER, and the broker's ControllerLink finds the controller from any broker.
 */
class ControllerRequestsWireTest {
    private static final String TOPIC = "isr";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;
    InProcessCluster cluster;
    Broker controller;
    Broker other;
    UUID topicId;

    @BeforeEach
    void start() throws Exception {
        cluster = new InProcessCluster(dir);
        // after the controlled-shutdown test the last broker still leads what nobody else can take: its own
        // shutdown retries in vain, so not 5 s apart
        Map<String, String> settings = Map.of("controlled.shutdown.retry.backoff.ms", "100");
        cluster.start(1, settings);
        cluster.start(2, settings);
        await("two brokers registered", () -> cluster.store().liveBrokers().size(), n -> n == 2);
        controller = cluster.controller();
        other = cluster.broker(controller.config().nodeId() == 1 ? 2 : 1);
        try (Admin admin = KafkaClients.admin(controller.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 2))).all().get(20, TimeUnit.SECONDS);
        }
        await("the partition's state with both replicas in sync", () -> cluster.store().partitionState(TOPIC, 0),
                s -> s.isPresent() && s.get().value().isr().size() == 2);
        topicId = cluster.store().topic(TOPIC).orElseThrow().value().topicId();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Versioned<PartitionState> state() {
        return cluster.store().partitionState(TOPIC, 0).orElseThrow();
    }

    private static long epochOf(Broker broker) {
        return broker.cluster().orElseThrow().membership().brokerEpoch().orElseThrow();
    }

    /** AlterPartition v3 (topic id, ISR with broker epochs) for partition 0. */
    private Struct alterPartition(int from, long brokerEpoch, UUID topic, int leaderEpoch, int partitionEpoch,
                                  Map<Integer, Long> isr) {
        Struct request = ApiKey.ALTER_PARTITION.newRequest().set("BrokerId", from).set("BrokerEpoch", brokerEpoch);
        Struct p = request.addStruct("Topics").set("TopicId", topic).addStruct("Partitions").set("PartitionIndex", 0)
                .set("LeaderEpoch", leaderEpoch).set("PartitionEpoch", partitionEpoch);
        isr.forEach((id, epoch) -> p.addStruct("NewIsrWithEpochs").set("BrokerId", id).set("BrokerEpoch", epoch));
        return request;
    }

    private static Struct onlyPartition(Struct response) {
        assertThat(error(response)).isEqualTo(Errors.NONE);
        return response.getArray("Topics").get(0).getArray("Partitions").get(0);
    }

    private static Struct call(Broker to, ApiKey api, short version, Struct request) throws IOException {
        try (WireClient client = new WireClient(to.bootstrapServers())) {
            return client.call(api, version, request);
        }
    }

    @Test
    void alterPartitionChangesTheIsrKeepingTheLeaderEpochAndEveryBrokerLearnsIt() throws Exception {
        Versioned<PartitionState> before = state();
        int leader = before.value().leader();
        Broker leading = cluster.broker(leader);
        int follower = leader == 1 ? 2 : 1;

        Struct shrunk = onlyPartition(call(controller, ApiKey.ALTER_PARTITION, (short) 3, alterPartition(leader,
                epochOf(leading), topicId, before.value().leaderEpoch(), before.version(), Map.of(leader, epochOf(leading)))));

        assertThat(error(shrunk)).isEqualTo(Errors.NONE);
        assertThat(shrunk.getInt("LeaderId")).isEqualTo(leader);
        assertThat(shrunk.getInt("LeaderEpoch")).isEqualTo(before.value().leaderEpoch());
        assertThat(shrunk.<Integer>getList("Isr")).containsExactly(leader);
        assertThat(shrunk.getInt("PartitionEpoch")).isGreaterThan(before.version());
        Versioned<PartitionState> after = state();
        assertThat(after.value().isr()).containsExactly(leader);
        assertThat(after.value().leaderEpoch()).isEqualTo(before.value().leaderEpoch());
        assertThat(after.version()).isEqualTo(shrunk.getInt("PartitionEpoch"));
        for (Broker b : cluster.brokers()) {
            await("broker " + b.config().nodeId() + "'s metadata shows the new ISR",
                    () -> b.metadataCache().snapshot().partition(P0).map(p -> p.isr()).orElse(List.of()),
                    isr -> isr.equals(List.of(leader)));
        }

        // v1 names the topic; the follower joins again at the new partition epoch
        Struct byName = ApiKey.ALTER_PARTITION.newRequest().set("BrokerId", leader).set("BrokerEpoch", epochOf(leading));
        byName.addStruct("Topics").set("TopicName", TOPIC).addStruct("Partitions").set("PartitionIndex", 0)
                .set("LeaderEpoch", before.value().leaderEpoch()).set("PartitionEpoch", after.version())
                .set("NewIsr", List.of(leader, follower));
        Struct grown = call(controller, ApiKey.ALTER_PARTITION, (short) 1, byName);
        assertThat(grown.getArray("Topics").get(0).getString("TopicName")).isEqualTo(TOPIC);
        Struct grownPartition = onlyPartition(grown);
        assertThat(error(grownPartition)).isEqualTo(Errors.NONE);
        assertThat(grownPartition.<Integer>getList("Isr")).containsExactly(leader, follower);
        assertThat(state().value().isr()).containsExactly(leader, follower);
    }

    @Test
    void alterPartitionRefusesStaleOrForeignRequestsWithKafkasErrors() throws Exception {
        Versioned<PartitionState> s = state();
        int leader = s.value().leader();
        long leaderEpochOfBroker = epochOf(cluster.broker(leader));
        int follower = leader == 1 ? 2 : 1;
        int le = s.value().leaderEpoch();
        int pe = s.version();

        assertThat(error(onlyPartition(call(controller, ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(leader, leaderEpochOfBroker, topicId, le - 1, pe, Map.of(leader, -1L))))))
                .isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(error(onlyPartition(call(controller, ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(leader, leaderEpochOfBroker, topicId, le, pe + 7, Map.of(leader, -1L))))))
                .isEqualTo(Errors.INVALID_UPDATE_VERSION);
        assertThat(error(onlyPartition(call(controller, ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(leader, leaderEpochOfBroker, UUID.randomUUID(), le, pe, Map.of(leader, -1L))))))
                .isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(error(onlyPartition(call(controller, ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(leader, leaderEpochOfBroker, topicId, le, pe, Map.of(leader, -1L, follower, 12345L))))))
                .as("a member named with an epoch that is not its registration's").isEqualTo(Errors.INELIGIBLE_REPLICA);
        assertThat(error(onlyPartition(call(controller, ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(follower, epochOf(cluster.broker(follower)), topicId, le, pe, Map.of(follower, -1L))))))
                .as("from a broker that does not lead the partition").isEqualTo(Errors.INVALID_REQUEST);

        Struct stale = call(controller, ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(leader, leaderEpochOfBroker - 1, topicId, le, pe, Map.of(leader, -1L)));
        assertThat(error(stale)).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(stale.getArray("Topics")).isEmpty();

        Struct elsewhere = call(other, ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(leader, leaderEpochOfBroker, topicId, le, pe, Map.of(leader, -1L)));
        assertThat(error(elsewhere)).isEqualTo(Errors.NOT_CONTROLLER);
        assertThat(elsewhere.getArray("Topics")).isEmpty();

        assertThat(state()).as("nothing was written").isEqualTo(s);
    }

    @Test
    void theControllerLinkOfAnyBrokerReachesTheController() throws Exception {
        Versioned<PartitionState> s = state();
        int leader = s.value().leader();
        Broker leading = cluster.broker(leader);

        Struct response = leading.cluster().orElseThrow().controllerLink().send(ApiKey.ALTER_PARTITION, (short) 3,
                alterPartition(leader, epochOf(leading), topicId, s.value().leaderEpoch(), s.version(),
                        Map.of(leader, epochOf(leading))), 20_000).get(20, TimeUnit.SECONDS);

        assertThat(error(onlyPartition(response))).isEqualTo(Errors.NONE);
        assertThat(state().value().isr()).containsExactly(leader);
    }

    @Test
    void controlledShutdownMovesLeadershipOffTheBrokerAndRefusesStaleOrUnknownBrokers() throws Exception {
        int shutting = other.config().nodeId();
        long epoch = epochOf(other);
        Struct notHere = call(other, ApiKey.CONTROLLED_SHUTDOWN, (short) 3, ApiKey.CONTROLLED_SHUTDOWN.newRequest()
                .set("BrokerId", shutting).set("BrokerEpoch", epoch));
        assertThat(error(notHere)).isEqualTo(Errors.NOT_CONTROLLER);
        assertThat(error(call(controller, ApiKey.CONTROLLED_SHUTDOWN, (short) 3, ApiKey.CONTROLLED_SHUTDOWN.newRequest()
                .set("BrokerId", shutting).set("BrokerEpoch", epoch - 1)))).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(error(call(controller, ApiKey.CONTROLLED_SHUTDOWN, (short) 2, ApiKey.CONTROLLED_SHUTDOWN.newRequest()
                .set("BrokerId", 9).set("BrokerEpoch", -1L)))).isEqualTo(Errors.BROKER_NOT_AVAILABLE);

        // a partition the shutting-down broker leads (its preferred leader), so that leadership has to move
        int controllerId = controller.config().nodeId();
        try (Admin admin = KafkaClients.admin(controller.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("moving", Map.of(0, List.of(shutting, controllerId)))))
                    .all().get(20, TimeUnit.SECONDS);
        }
        Versioned<PartitionState> before = await("'moving' led by broker " + shutting,
                () -> cluster.store().partitionState("moving", 0).orElse(null),
                v -> v != null && v.value().leader() == shutting && v.value().isr().size() == 2);
        // v1: no broker epoch
        Struct done = call(controller, ApiKey.CONTROLLED_SHUTDOWN, (short) 1, ApiKey.CONTROLLED_SHUTDOWN.newRequest()
                .set("BrokerId", shutting));

        assertThat(error(done)).isEqualTo(Errors.NONE);
        assertThat(done.getArray("RemainingPartitions")).isEmpty();
        Versioned<PartitionState> after = cluster.store().partitionState("moving", 0).orElseThrow();
        assertThat(after.value().leader()).isEqualTo(controllerId);
        assertThat(after.value().isr()).containsExactly(controllerId);
        assertThat(after.value().leaderEpoch()).isEqualTo(before.value().leaderEpoch() + 1);
        await("the shutting-down broker's metadata names the new leader",
                () -> other.metadataCache().snapshot().partition(new TopicPartition("moving", 0)).map(p -> p.leader())
                        .orElse(-1), l -> l == controllerId);
    }

    @Test
    void aSingleNodeHasNoControllerToAsk() throws Exception {
        try (TestBroker single = TestBroker.start(dir.resolve("single"), Map.of());
             WireClient client = new WireClient(single.bootstrap())) {
            assertThat(error(client.call(ApiKey.CONTROLLED_SHUTDOWN, (short) 3, ApiKey.CONTROLLED_SHUTDOWN.newRequest()
                    .set("BrokerId", single.nodeId())))).isEqualTo(Errors.NOT_CONTROLLER);
            assertThat(error(client.call(ApiKey.ALTER_PARTITION, (short) 3, alterPartition(single.nodeId(), -1,
                    UUID.randomUUID(), 0, 0, Map.of(single.nodeId(), -1L))))).isEqualTo(Errors.NOT_CONTROLLER);
        }
    }
}

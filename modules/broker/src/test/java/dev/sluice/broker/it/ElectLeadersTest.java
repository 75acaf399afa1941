package dev.sluice.broker.it;

import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.broker.Broker;
import dev.sluice.broker.interbroker.BlockingConnection;
import dev.sluice.broker.testing.InProcessCluster;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ElectLeaders with kafka-clients' {@code Admin.electLeaders} (what {@code kafka-leader-election.sh}
 * uses): in a cluster a PREFERRED election gives leadership back to the preferred replica with the
 * next leader epoch, every broker's metadata follows, and partitions that need nothing are reported
 * (or, for "all partitions", left out) as Kafka does; a broker that is not the controller forwards the
 * request to it; a single node answers for its own partitions.
 */
class ElectLeadersTest {
    @TempDir
    Path dir;
    private InProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<TopicPartition, Optional<Throwable>> elect(Admin admin, ElectionType type, Set<TopicPartition> partitions)
            throws Exception {
        return admin.electLeaders(type, partitions).partitions().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aPreferredElectionGivesLeadershipBackToThePreferredReplica() throws Exception {
        cluster = new InProcessCluster(dir);
        Map<String, String> settings = Map.of("auto.leader.rebalance.enable", "false",
                "controlled.shutdown.retry.backoff.ms", "100");
        for (int id = 1; id <= 3; id++) {
            cluster.start(id, settings);
        }
        await("three brokers", () -> cluster.store().liveBrokers().size(), n -> n == 3);
        int controller = cluster.controller().config().nodeId();
        int preferred = controller == 3 ? 2 : 3;
        int other = 6 - controller - preferred;
        try (Admin admin = KafkaClients.admin(cluster.broker(controller).bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("pref", Map.of(0, List.of(preferred, other))))).all().get(20, TimeUnit.SECONDS);
        }
        await("'pref' led by its preferred replica", () -> cluster.store().partitionState("pref", 0),
                s -> s.isPresent() && s.get().value().leader() == preferred);

        // the preferred replica stops (leadership moves away) and comes back; then it is in sync again
        cluster.stop(preferred);
        cluster.start(preferred, settings);
        Versioned<PartitionState> moved = await("'pref' led by " + other + " with " + preferred + " registered again",
                () -> cluster.store().partitionState("pref", 0).orElseThrow(), s -> s.value().leader() == other
                        && cluster.store().liveBrokers().containsKey(preferred));
        Struct alter = ApiKey.ALTER_PARTITION.newRequest().set("BrokerId", other).set("BrokerEpoch", -1L);
        alter.addStruct("Topics").set("TopicName", "pref").addStruct("Partitions").set("PartitionIndex", 0)
                .set("LeaderEpoch", moved.value().leaderEpoch()).set("PartitionEpoch", moved.version())
                .set("NewIsr", List.of(other, preferred));
        try (WireClient client = new WireClient(cluster.broker(controller).bootstrapServers())) {
            assertThat(error(client.call(ApiKey.ALTER_PARTITION, (short) 1, alter).getArray("Topics").get(0)
                    .getArray("Partitions").get(0))).isEqualTo(Errors.NONE);
        }

        TopicPartition pref = new TopicPartition("pref", 0);
        Broker notController = cluster.broker(other == controller ? preferred : other);
        try (Admin admin = KafkaClients.admin(notController.bootstrapServers())) {
            assertThat(elect(admin, ElectionType.UNCLEAN, Set.of(pref)).get(pref))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(ElectionNotNeededException.class));

            Map<TopicPartition, Optional<Throwable>> results = elect(admin, ElectionType.PREFERRED,
                    Set.of(pref, new TopicPartition("pref", 7), new TopicPartition("nope", 0)));

            assertThat(results.get(pref)).isEmpty();
            assertThat(results.get(new TopicPartition("pref", 7)))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(UnknownTopicOrPartitionException.class));
            assertThat(results.get(new TopicPartition("nope", 0)))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(UnknownTopicOrPartitionException.class));
            PartitionState now = cluster.store().partitionState("pref", 0).orElseThrow().value();
            assertThat(now.leader()).isEqualTo(preferred);
            assertThat(now.leaderEpoch()).isEqualTo(moved.value().leaderEpoch() + 1);
            for (Broker b : cluster.brokers()) {
                await("broker " + b.config().nodeId() + " sees the preferred leader", () -> b.metadataCache().snapshot()
                        .partition(new dev.sluice.api.storage.TopicPartition("pref", 0)).map(p -> p.leader() + "@"
                                + p.leaderEpoch()).orElse(""), s -> s.equals(preferred + "@" + now.leaderEpoch()));
            }
            // again: nothing to do; over every partition, those that need nothing are left out
            assertThat(elect(admin, ElectionType.PREFERRED, Set.of(pref)).get(pref))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(ElectionNotNeededException.class));
            assertThat(elect(admin, ElectionType.PREFERRED, null)).isEmpty();
        }

        // a broker that is not the controller forwards a client's request, not one forwarded by another broker
        Struct request = ApiKey.ELECT_LEADERS.newRequest().set("ElectionType", (byte) 0);
        request.addStruct("TopicPartitions").set("Topic", "pref").set("Partitions", List.of(0));
        try (WireClient client = new WireClient(notController.bootstrapServers())) {
            Struct forwarded = client.call(ApiKey.ELECT_LEADERS, (short) 2, request);
            assertThat(error(forwarded)).isEqualTo(Errors.NONE);
            assertThat(error(forwarded.getArray("ReplicaElectionResults").get(0).getArray("PartitionResult").get(0)))
                    .isEqualTo(Errors.ELECTION_NOT_NEEDED);
        }
        try (BlockingConnection fromABroker = new BlockingConnection("sluice-broker-9", 10_000)) {
            String[] hostPort = notController.bootstrapServers().split(":");
            fromABroker.connect(hostPort[0], Integer.parseInt(hostPort[1]));
            Struct refused = fromABroker.exchange(ApiKey.ELECT_LEADERS, (short) 2, request).body();
            assertThat(error(refused)).isEqualTo(Errors.NOT_CONTROLLER);
            assertThat(refused.getArray("ReplicaElectionResults")).isEmpty();
        }
    }

    @Test
    void aSingleNodeAnswersForItsOwnPartitions() throws Exception {
        try (TestBroker single = TestBroker.start(dir, Map.of());
             Admin admin = KafkaClients.admin(single.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("solo", 2, (short) 1))).all().get(20, TimeUnit.SECONDS);
            TopicPartition p0 = new TopicPartition("solo", 0);
            TopicPartition p1 = new TopicPartition("solo", 1);
            TopicPartition missing = new TopicPartition("solo", 2);

            for (ElectionType type : ElectionType.values()) {
                Map<TopicPartition, Optional<Throwable>> results = elect(admin, type, Set.of(p0, p1, missing));
                assertThat(results.get(p0)).as(type.name())
                        .hasValueSatisfying(e -> assertThat(e).isInstanceOf(ElectionNotNeededException.class));
                assertThat(results.get(p1)).hasValueSatisfying(e -> assertThat(e).isInstanceOf(ElectionNotNeededException.class));
                assertThat(results.get(missing))
                        .hasValueSatisfying(e -> assertThat(e).isInstanceOf(UnknownTopicOrPartitionException.class));
            }
            assertThat(elect(admin, ElectionType.PREFERRED, null)).isEmpty();
        }
    }
}

package dev.sluice.broker.it;

import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Controlled shutdown in a three-broker cluster (in-process store, real network between brokers): a
 * closing broker first has the controller move its leadership to other in-sync replicas — its own
 * partitions become followers while it still serves, the other brokers' metadata names the new
 * leaders at higher epochs — and this works for the controller itself too. With
 * {@code controlled.shutdown.enable=false} the broker just stops, still leading, and the controller
 * only reacts to its registration going away.
 */
class ControlledShutdownTest {
    private static final String TOPIC = "moving";
    private static final int PARTITIONS = 6;

    @TempDir
    Path dir;
    InProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startThree(Map<String, String> settings) throws Exception {
        cluster = new InProcessCluster(dir);
        for (int id = 1; id <= 3; id++) {
            cluster.start(id, settings);
        }
        await("three brokers registered", () -> cluster.store().liveBrokers().size(), n -> n == 3);
        try (Admin admin = KafkaClients.admin(cluster.broker(1).bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(20, TimeUnit.SECONDS);
        }
        for (Broker b : cluster.brokers()) {
            await("broker " + b.config().nodeId() + " knows every leader", () -> b.metadataCache().snapshot().topic(TOPIC)
                    .map(t -> t.partitions().size() == PARTITIONS && t.partitions().stream().allMatch(p -> p.leader() >= 0))
                    .orElse(false), known -> known);
            await("broker " + b.config().nodeId() + " hosts every replica in its role", () -> b.partitions().all().stream()
                    .filter(p -> p.topicPartition().topic().equals(TOPIC)).filter(p -> (p.role() instanceof PartitionRole.Leader)
                            == (states().get(p.topicPartition().partition()).leader() == b.config().nodeId())).count(),
                    n -> n == PARTITIONS);
        }
    }

    private Map<Integer, PartitionState> states() {
        Map<Integer, PartitionState> states = new TreeMap<>();
        cluster.store().partitionStates(TOPIC).forEach((p, v) -> states.put(p, v.value()));
        return states;
    }

    /** Closes {@code id} and checks that, before it stopped, leadership had moved off it in the store and locally. */
    private void closeAndCheckLeadershipMovedFirst(int id) throws Exception {
        Broker closing = cluster.broker(id);
        Map<Integer, PartitionState> before = states();
        List<Partition> local = List.copyOf(closing.partitions().all()).stream()
                .filter(p -> p.topicPartition().topic().equals(TOPIC)).toList();
        assertThat(local).hasSize(PARTITIONS);
        assertThat(before.values()).as("broker %d leads something", id).anyMatch(s -> s.leader() == id);

        cluster.stop(id);

        Map<Integer, PartitionState> after = states();
        for (Map.Entry<Integer, PartitionState> e : before.entrySet()) {
            PartitionState now = after.get(e.getKey());
            assertThat(now.leader()).as("partition %d's leader", e.getKey()).isNotEqualTo(id).isNotEqualTo(-1);
            assertThat(now.isr()).doesNotContain(id);
            if (e.getValue().leader() == id) {
                assertThat(now.leaderEpoch()).isGreaterThan(e.getValue().leaderEpoch());
            }
        }
        // the closing broker itself was told (LeaderAndIsr) while it still served: it stopped as a follower
        for (Partition p : local) {
            assertThat(p.role()).as("%s on broker %d", p.topicPartition(), id).isInstanceOf(PartitionRole.Follower.class);
            assertThat(((PartitionRole.Follower) p.role()).leaderId())
                    .isEqualTo(after.get(p.topicPartition().partition()).leader());
        }
        for (Broker other : cluster.brokers()) {
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionState expected = after.get(p);
                TopicPartition tp = new TopicPartition(TOPIC, p);
                await("broker " + other.config().nodeId() + "'s metadata of " + tp, () -> other.metadataCache().snapshot()
                        .partition(tp).map(s -> s.leader() + "@" + s.leaderEpoch()).orElse(""),
                        s -> s.equals(expected.leader() + "@" + expected.leaderEpoch()));
            }
        }
    }

    @Test
    void aClosingBrokerAndThenTheClosingControllerHandTheirLeadershipOverBeforeStopping() throws Exception {
        startThree(Map.of("controlled.shutdown.retry.backoff.ms", "100"));
        int controller = cluster.controller().config().nodeId();
        int follower = controller == 1 ? 2 : 1;

        closeAndCheckLeadershipMovedFirst(follower);
        closeAndCheckLeadershipMovedFirst(controller);

        int last = cluster.brokers().get(0).config().nodeId();
        assertThat(states().values()).allMatch(s -> s.leader() == last);
    }

    @Test
    void withControlledShutdownDisabledTheBrokerStopsLeadingAndTheControllerReactsToItsAbsence() throws Exception {
        startThree(Map.of("controlled.shutdown.enable", "false"));
        int controller = cluster.controller().config().nodeId();
        int victim = states().values().stream().map(PartitionState::leader).filter(l -> l != controller).findFirst()
                .orElseThrow();
        List<Partition> local = List.copyOf(cluster.broker(victim).partitions().all());

        cluster.stop(victim);

        assertThat(local).filteredOn(p -> p.topicPartition().topic().equals(TOPIC))
                .anyMatch(p -> p.role() instanceof PartitionRole.Leader);
        await("new leaders after the registration went", this::states,
                s -> s.values().stream().noneMatch(st -> st.leader() == victim));
    }
}

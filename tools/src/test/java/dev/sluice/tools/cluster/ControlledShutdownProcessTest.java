package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.PartitionState;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to a broker process of a ZooKeeper cluster (two brokers, a topic with replication factor
 * 2): the broker's shutdown hook asks the controller for a controlled shutdown, and the controller
 * (its log says so) moves the leadership of the broker's partitions to the other replica with the
 * next leader epoch and takes it out of the ISRs, before the process exits.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ControlledShutdownProcessTest {
    private static final String TOPIC = "handover";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static Map<Integer, PartitionState> states(ProcessCluster cluster) {
        Map<Integer, PartitionState> states = new TreeMap<>();
        cluster.store().partitionStates(TOPIC).forEach((p, v) -> states.put(p, v.value()));
        return states;
    }

    @Test
    void sigtermMovesTheBrokersLeadershipAwayBeforeTheProcessExits() throws Exception {
        ProcessCluster.Settings settings = new ProcessCluster.Settings("ControlledShutdownProcessTest", 2, 6000, 500,
                Map.of("controlled.shutdown.retry.backoff.ms", "200"));
        try (ProcessCluster cluster = ProcessCluster.start(settings, dir)) {
            int controller = cluster.awaitController();
            int victim = controller == 1 ? 2 : 1;
            cluster.admin().createTopics(List.of(new NewTopic(TOPIC, 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
            Map<Integer, PartitionState> before = Await.until("both partitions led, one by broker " + victim, WAIT,
                    () -> states(cluster), s -> s.size() == 2 && s.values().stream().anyMatch(p -> p.leader() == victim)
                            && s.values().stream().allMatch(p -> p.leader() >= 0 && p.isr().size() == 2));
            for (int id : cluster.ids()) {
                Await.until("broker " + id + " knows both leaders", WAIT, () -> cluster.metadataOf(id, TOPIC).ledPartitions(TOPIC) == 2);
            }

            cluster.terminate(victim); // SIGTERM; returns once the process exited

            assertThat(cluster.log(controller)).contains("controlled shutdown of broker " + victim + ":");
            assertThat(cluster.log(victim)).contains("sluice server: stopped");
            Map<Integer, PartitionState> after = states(cluster);
            for (Map.Entry<Integer, PartitionState> e : before.entrySet()) {
                PartitionState now = after.get(e.getKey());
                assertThat(now.leader()).as("partition %d's leader", e.getKey()).isEqualTo(controller);
                assertThat(now.isr()).containsExactly(controller);
                // a new leader, or the victim leaving the ISR: either is the next leader epoch
                assertThat(now.leaderEpoch()).isEqualTo(e.getValue().leaderEpoch() + 1);
            }
        }
    }
}

package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.PartitionState;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker losing its session (#10), two ways: frozen (SIGSTOP) past the session timeout, so the
 * cluster drops it while it still runs, then resumed; and bounced, killed -9 and started again
 * before its old session expired. Each time it comes back registered with a new broker epoch, and
 * the controller treats the new incarnation as a new broker: its partitions get a new leader epoch.
 * Topics: {@code solo} (rf=1, a partition led by each broker: offline while its broker is out, back
 * with it) and {@code trio} (rf=3: leadership moves to another in-sync replica while it is out).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrokerSessionTest {
    private static final String SOLO = "solo";
    private static final String TRIO = "trio";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(ProcessCluster.Settings.of("BrokerSessionTest"), dir);
        cluster.admin().createTopics(List.of(new NewTopic(SOLO, 3, (short) 1), new NewTopic(TRIO, 3, (short) 3))).all().get();
        for (int id : cluster.ids()) {
            Await.until("broker " + id + " knows every leader", WAIT, () -> cluster.metadataOf(id, SOLO, TRIO),
                    m -> m.ledPartitions(SOLO) == 3 && m.ledPartitions(TRIO) == 3);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void everyBrokerBack() {
        Await.until("every broker registered and every solo partition led", WAIT, () -> cluster.brokerEpochs().keySet().equals(cluster.ids())
                && cluster.store().partitionStates(SOLO).values().stream().allMatch(s -> s.value().leader() > 0));
    }

    /** A broker that does not hold the controller role now. */
    private static int notTheController() {
        int controller = cluster.awaitController();
        return cluster.ids().stream().filter(id -> id != controller).findFirst().orElseThrow();
    }

    private static int partitionLedBy(String topic, int broker) {
        return cluster.store().partitionStates(topic).entrySet().stream().filter(e -> e.getValue().value().leader() == broker)
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("broker " + broker + " leads no " + topic));
    }

    private static PartitionState state(String topic, int partition) {
        return cluster.store().partitionState(topic, partition).orElseThrow().value();
    }

    @Test
    void aBrokerPausedPastItsSessionRegistersAgainWithANewEpoch() throws Exception {
        int victim = notTheController();
        long epochBefore = cluster.brokerEpochs().get(victim);
        int solo = partitionLedBy(SOLO, victim);
        int trio = partitionLedBy(TRIO, victim);
        PartitionState soloBefore = state(SOLO, solo);
        PartitionState trioBefore = state(TRIO, trio);

        cluster.pause(victim);
        Await.until("broker " + victim + " dropped from the cluster", WAIT, () -> !cluster.brokerEpochs().containsKey(victim));
        int controller = cluster.awaitController();
        PartitionState trioMoved = Await.until("trio-" + trio + " led by another in-sync replica", WAIT, () -> state(TRIO, trio),
                s -> s.leader() > 0 && s.leader() != victim);
        assertThat(trioMoved.leaderEpoch()).isGreaterThan(trioBefore.leaderEpoch());
        assertThat(trioMoved.isr()).doesNotContain(victim).isNotEmpty();
        Await.until("solo-" + solo + " without a leader", WAIT, () -> state(SOLO, solo).leader() == PartitionState.NO_LEADER);
        Await.until("broker " + controller + "'s metadata: " + victim + " gone, trio-" + trio + " moved", WAIT,
                () -> cluster.metadataOf(controller, SOLO, TRIO), m -> !m.brokers().contains(victim)
                        && m.leader(TRIO, trio) == trioMoved.leader() && m.leader(SOLO, solo) == -1);

        cluster.resume(victim);
        long epochAfter = Await.until("broker " + victim + " registered again", WAIT, () -> cluster.brokerEpochs().getOrDefault(victim, -1L),
                e -> e > 0);
        assertThat(epochAfter).isGreaterThan(epochBefore);
        assertThat(cluster.log(victim)).contains("broker " + victim + ": cluster metadata session expired")
                .contains("broker " + victim + " registered again with broker epoch " + epochAfter);
        PartitionState soloBack = Await.until("solo-" + solo + " led by broker " + victim + " again", WAIT, () -> state(SOLO, solo),
                s -> s.leader() == victim);
        assertThat(soloBack.leaderEpoch()).isGreaterThan(soloBefore.leaderEpoch());
        for (int id : cluster.ids()) {
            Await.until("broker " + id + " sees broker " + victim + " back and leading solo-" + solo + " at epoch " + soloBack.leaderEpoch(),
                    WAIT, () -> cluster.metadataOf(id, SOLO, TRIO), m -> m.brokers().equals(cluster.ids())
                            && m.leader(SOLO, solo) == victim && m.partition(SOLO, solo).leaderEpoch() == soloBack.leaderEpoch()
                            && m.partition(TRIO, trio).replicas().contains(victim));
        }
    }

    @Test
    void aBrokerRestartedBeforeItsSessionExpiredIsRecognisedAsBounced() throws Exception {
        int victim = notTheController();
        long epochBefore = cluster.brokerEpochs().get(victim);
        int solo = partitionLedBy(SOLO, victim);
        PartitionState soloBefore = state(SOLO, solo);

        cluster.kill(victim);
        cluster.start(victim);
        long epochAfter = Await.until("broker " + victim + " registered with a new epoch", WAIT,
                () -> cluster.brokerEpochs().getOrDefault(victim, -1L), e -> e > epochBefore);
        PartitionState soloBack = Await.until("solo-" + solo + " led by the new incarnation of broker " + victim, WAIT,
                () -> state(SOLO, solo), s -> s.leader() == victim && s.leaderEpoch() > soloBefore.leaderEpoch());
        for (int id : cluster.ids()) {
            Await.until("broker " + id + " knows solo-" + solo + " at leader epoch " + soloBack.leaderEpoch(), WAIT,
                    () -> cluster.metadataOf(id, SOLO), m -> m.leader(SOLO, solo) == victim
                            && m.partition(SOLO, solo).leaderEpoch() == soloBack.leaderEpoch());
        }
        // a bounce: the new run found its previous run's registration still there and waited for its session to expire
        assertThat(cluster.currentLog(victim)).contains("broker.id " + victim + " is registered already")
                .contains("broker " + victim + " registered with broker epoch " + epochAfter);
    }
}

package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
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

    /** An acks=1 Produce of one record to {@code topic}-{@code partition} at broker {@code id}: the partition's error. */
    private static Errors produceTo(int id, String topic, int partition) throws Exception {
        Struct request = ApiKey.PRODUCE.newRequest().set("TransactionalId", null).set("Acks", (short) 1).set("TimeoutMs", 10_000);
        request.addStruct("TopicData").set("Name", topic).addStruct("PartitionData").set("Index", partition)
                .set("Records", new RecordBatchBuilder(null).append(System.currentTimeMillis(), null, new byte[] {1}).build());
        Struct answer = Wire.call(cluster.address(id), ApiKey.PRODUCE, (short) 9, request);
        return Errors.forCode(answer.getArray("Responses").get(0).getArray("PartitionResponses").get(0).getShort("ErrorCode"));
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
        cluster.launch(victim, false);
        // while the new run waits for its old registration to expire it already listens, but it must not act on
        // what its disk says it led: the controller may have moved leadership meanwhile (and, with replication,
        // a write it took as the only replica it knows would be acknowledged and then truncated away)
        Await.until("broker " + victim + " listening, waiting for its id", WAIT,
                () -> cluster.currentLog(victim).contains("broker.id " + victim + " is registered already"));
        assertThat(produceTo(victim, SOLO, solo)).as("a produce to the restarting broker").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        cluster.awaitStarted(victim);
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

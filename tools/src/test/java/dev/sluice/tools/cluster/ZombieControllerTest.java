package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A zombie controller (#10): the controller is frozen (SIGSTOP) past its session timeout, another
 * broker is elected with a higher controller epoch and takes over; then the old one resumes
 * (SIGCONT). Its writes with the old lease are refused by the store (Fenced) and its requests with
 * the old controller epoch by the brokers (STALE_CONTROLLER_EPOCH); it learns it lost, resigns,
 * registers again with a new broker epoch and follows the new controller. Asserted from the store,
 * the brokers' metadata answers and the zombie's log.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ZombieControllerTest {
    private static final String TOPIC = "zombie";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(ProcessCluster.Settings.of("ZombieControllerTest"), dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aControllerPausedPastItsSessionIsFencedWhenItResumes() throws Exception {
        cluster.admin().createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
        for (int id : cluster.ids()) {
            Await.until("broker " + id + " knows every partition's leader", WAIT, () -> cluster.metadataOf(id, TOPIC).ledPartitions(TOPIC) == 3);
        }
        int zombie = cluster.awaitController();
        int oldEpoch = cluster.store().controllerEpoch();
        long zombieBrokerEpoch = cluster.brokerEpochs().get(zombie);
        // the store's epoch record is written by elections only: its version is the epoch (ZooKeeperMetadataStore.elect)
        ControllerLease oldLease = new ControllerLease(zombie, oldEpoch, oldEpoch);
        int zombiePartition = cluster.store().partitionStates(TOPIC).entrySet().stream()
                .filter(e -> e.getValue().value().leader() == zombie).map(Map.Entry::getKey).findFirst().orElseThrow();

        cluster.pause(zombie);
        int successor = Await.until("another controller elected once broker " + zombie + "'s session expired", WAIT,
                () -> cluster.store().controllerId().orElse(-1), c -> c > 0 && c != zombie);
        int newEpoch = cluster.store().controllerEpoch();
        assertThat(newEpoch).isGreaterThan(oldEpoch);
        assertThat(cluster.brokerEpochs()).doesNotContainKey(zombie);
        Versioned<PartitionState> moved = Await.until("partition " + zombiePartition + " led by a live broker", WAIT,
                () -> cluster.store().partitionState(TOPIC, zombiePartition).orElseThrow(),
                s -> s.value().leader() > 0 && s.value().leader() != zombie);
        assertThat(moved.value().controllerEpoch()).isEqualTo(newEpoch);
        Set<Integer> others = cluster.running();
        for (int id : others) {
            Await.until("broker " + id + " names controller " + successor + " and the new leader of " + zombiePartition, WAIT,
                    () -> cluster.metadataOf(id, TOPIC), m -> m.controllerId() == successor
                            && m.leader(TOPIC, zombiePartition) == moved.value().leader()
                            && m.partition(TOPIC, zombiePartition).leaderEpoch() == moved.value().leaderEpoch());
        }
        Map<Integer, Versioned<PartitionState>> beforeResume = cluster.store().partitionStates(TOPIC);

        // what the zombie would do next, with what it holds: its lease and its controller epoch
        PartitionState grab = new PartitionState(zombie, moved.value().leaderEpoch() + 1, List.of(zombie), oldEpoch);
        assertThat(cluster.store().updatePartitionState(oldLease, TOPIC, zombiePartition, grab, moved.version()))
                .isInstanceOf(WriteOutcome.Fenced.class);
        UUID topicId = cluster.store().topic(TOPIC).orElseThrow().value().topicId();
        for (int id : others) {
            long epoch = cluster.brokerEpochs().get(id);
            Struct answer = Wire.call(cluster.address(id), ApiKey.LEADER_AND_ISR, (short) 7,
                    leaderAndIsr(zombie, oldEpoch, epoch, topicId, zombiePartition, moved.value().leaderEpoch() + 1, List.of(1, 2, 3)));
            assertThat(Errors.forCode(answer.getShort("ErrorCode"))).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
            answer = Wire.call(cluster.address(id), ApiKey.UPDATE_METADATA, (short) 8, updateMetadata(zombie, oldEpoch, epoch));
            assertThat(Errors.forCode(answer.getShort("ErrorCode"))).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
            BrokerMetadata after = cluster.metadataOf(id, TOPIC);
            assertThat(after.controllerId()).as("broker %d's controller after the stale requests", id).isEqualTo(successor);
            assertThat(after.brokers()).as("broker %d's live brokers after the stale requests", id).doesNotContain(zombie);
            assertThat(after.leader(TOPIC, zombiePartition)).isEqualTo(moved.value().leader());
        }

        cluster.resume(zombie);
        Map<Integer, Long> epochs = Await.until("broker " + zombie + " registered again", WAIT, cluster::brokerEpochs,
                e -> e.containsKey(zombie));
        assertThat(epochs.get(zombie)).as("a new registration, a new broker epoch").isGreaterThan(zombieBrokerEpoch);
        Await.until("broker " + zombie + " follows controller " + successor, WAIT,
                () -> cluster.metadataOf(zombie, TOPIC).controllerId() == successor);
        String log = cluster.log(zombie);
        assertThat(log).contains("broker " + zombie + ": cluster metadata session expired")
                .contains("broker " + zombie + " is no longer the controller (epoch " + oldEpoch + ")")
                .contains("broker " + zombie + " registered again with broker epoch " + epochs.get(zombie));
        // nothing the zombie held survived: the controller, its epoch and every state written since are the successor's
        assertThat(cluster.store().controllerId()).hasValue(successor);
        assertThat(cluster.store().controllerEpoch()).isEqualTo(newEpoch);
        cluster.store().partitionStates(TOPIC).forEach((p, state) -> {
            if (state.version() != beforeResume.get(p).version()) {
                assertThat(state.value().controllerEpoch()).as("partition %d rewritten after the resume", p).isEqualTo(newEpoch);
            }
            assertThat(state.value().controllerEpoch()).as("partition %d", p).isLessThanOrEqualTo(newEpoch);
        });
        for (int id : cluster.ids()) {
            Await.until("broker " + id + " lists all three brokers under controller " + successor, WAIT, () -> cluster.metadataOf(id, TOPIC),
                    m -> m.brokers().equals(cluster.ids()) && m.controllerId() == successor && m.ledPartitions(TOPIC) == 3);
        }
    }

    /** A LeaderAndIsr as the zombie would send it: itself leading at a higher leader epoch. */
    private static Struct leaderAndIsr(int controllerId, int controllerEpoch, long brokerEpoch, UUID topicId, int partition,
                                       int leaderEpoch, List<Integer> replicas) {
        Struct request = ApiKey.LEADER_AND_ISR.newRequest().set("ControllerId", controllerId).set("ControllerEpoch", controllerEpoch)
                .set("BrokerEpoch", brokerEpoch).set("Type", (byte) 0);
        request.addStruct("TopicStates").set("TopicName", TOPIC).set("TopicId", topicId).addStruct("PartitionStates")
                .set("PartitionIndex", partition).set("ControllerEpoch", controllerEpoch).set("Leader", controllerId)
                .set("LeaderEpoch", leaderEpoch).set("Isr", List.of(controllerId)).set("PartitionEpoch", 100).set("Replicas", replicas);
        return request;
    }

    /** An UpdateMetadata as the zombie would send it: itself the only live broker and the controller. */
    private static Struct updateMetadata(int controllerId, int controllerEpoch, long brokerEpoch) throws Exception {
        Struct request = ApiKey.UPDATE_METADATA.newRequest().set("ControllerId", controllerId).set("ControllerEpoch", controllerEpoch)
                .set("BrokerEpoch", brokerEpoch);
        String address = cluster.address(controllerId);
        Struct node = request.addStruct("LiveBrokers").set("Id", controllerId).set("Rack", null);
        node.addStruct("Endpoints").set("Port", Integer.parseInt(address.substring(address.indexOf(':') + 1))).set("Host", "127.0.0.1")
                .set("Listener", "PLAINTEXT").set("SecurityProtocol", (short) 0);
        return request;
    }
}

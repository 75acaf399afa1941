package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.PartitionState;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
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
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replication under targeted failures (#11 tests 3 and 5), three broker processes, replication
 * factor 3, min.insync.replicas=2, unclean election off:
 * <ul>
 * <li>a zombie leader (frozen past its session, replaced, resumed) acknowledges no acks=all write
 * that is not in the final log, and its replica ends identical to the new leader's;
 * <li>with both followers down acks=all is refused (NOT_ENOUGH_REPLICAS) and the log does not move;
 * with the leader killed too the partition goes offline and stays offline when an out-of-sync
 * replica returns; once the last in-sync replica returns it leads with every acknowledged record.
 * </ul>
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReplicationFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(ProcessCluster.Settings.of("ReplicationFailuresTest").withBrokerSettings(Map.of(
                "default.replication.factor", "3", "min.insync.replicas", "2", "replica.lag.time.max.ms", "10000",
                "unclean.leader.election.enable", "false")), dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void everyBrokerBack() throws Exception {
        for (int id : cluster.ids()) {
            if (!cluster.running().contains(id)) {
                cluster.start(id);
            }
        }
        cluster.awaitRegistered(cluster.ids());
    }

    private static PartitionState state(String topic) {
        return cluster.store().partitionState(topic, 0).orElseThrow().value();
    }

    private static void createTopic(String topic) throws Exception {
        cluster.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all().get();
        Await.until(topic + "-0 led with all three in its ISR", WAIT, () -> state(topic), s -> s.leader() > 0 && s.isr().size() == 3);
    }

    /** Sends {@code count} records to partition 0, recording them; returns once each is answered. */
    private static void write(KafkaProducer<String, String> producer, String topic, String prefix, int count, HistoryChecker checker)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            String value = prefix + i;
            checker.sent(0, value);
            try {
                RecordMetadata m = producer.send(new ProducerRecord<>(topic, 0, null, value)).get(60, TimeUnit.SECONDS);
                checker.acknowledged(value, 0, m.offset());
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                checker.failed(value);
            }
        }
    }

    private static HistoryChecker.Result check(String topic, HistoryChecker checker) {
        Map<Integer, List<HistoryChecker.Read>> logs = new Workload(cluster.bootstrap(), topic, 1, checker).finalLogs(WAIT);
        return checker.check(logs);
    }

    private static void awaitIdenticalReplicas(String topic) {
        ReplicaLog one = Await.until("the three replicas of " + topic + "-0 identical on disk", WAIT, () -> {
            Map<Integer, ReplicaLog> logs = new TreeMap<>();
            for (int id : cluster.ids()) {
                logs.put(id, ReplicaLog.read(cluster.dataDir(id), topic, 0));
            }
            return logs;
        }, logs -> logs.values().stream().distinct().count() == 1).values().iterator().next();
        assertThat(one.epochs()).as("the checkpointed epoch history is the batches'").isEqualTo(one.epochsOfBatches());
    }

    @Test
    void aZombieLeaderAcknowledgesNothingThatIsLostAndTruncatesToTheNewLeader() throws Exception {
        String topic = "zombie-leader";
        createTopic(topic);
        HistoryChecker checker = new HistoryChecker();
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), true)) {
            write(producer, topic, "before-", 50, checker);
        }
        int zombie = state(topic).leader();
        int zombieEpoch = state(topic).leaderEpoch();
        cluster.pause(zombie);
        PartitionState replaced = Await.until(topic + "-0 led by another broker", WAIT, () -> state(topic),
                s -> s.leader() > 0 && s.leader() != zombie);
        assertThat(replaced.leaderEpoch()).isGreaterThan(zombieEpoch);
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.address(replaced.leader()), true)) {
            write(producer, topic, "during-", 50, checker);
        }

        // resume the zombie and at once write to it alone, as a client with stale metadata would
        cluster.resume(zombie);
        try (KafkaProducer<String, String> stale = Clients.producer(cluster.address(zombie), false, Map.of(
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.LINGER_MS_CONFIG, 0))) {
            List<Future<RecordMetadata>> sends = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String value = "to-zombie-" + i;
                checker.sent(0, value);
                sends.add(stale.send(new ProducerRecord<>(topic, 0, null, value)));
            }
            for (int i = 0; i < sends.size(); i++) {
                try {
                    checker.acknowledged("to-zombie-" + i, 0, sends.get(i).get(60, TimeUnit.SECONDS).offset());
                } catch (ExecutionException e) {
                    checker.failed("to-zombie-" + i);
                }
            }
        }
        cluster.awaitRegistered(cluster.ids());
        Await.until(topic + "-0 with all three in its ISR again", WAIT, () -> state(topic).isr().size() == 3);
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), true)) {
            write(producer, topic, "after-", 50, checker);
        }
        HistoryChecker.Result result = check(topic, checker);
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.acknowledged()).isGreaterThanOrEqualTo(150);
        awaitIdenticalReplicas(topic);
    }

    @Test
    void withoutEnoughInSyncReplicasWritesAreRefusedAndNoOutOfSyncReplicaLeads() throws Exception {
        String topic = "min-isr";
        createTopic(topic);
        HistoryChecker checker = new HistoryChecker();
        PartitionState start = state(topic);
        int leader = start.leader();
        List<Integer> followers = start.isr().stream().filter(id -> id != leader).toList();
        int outOfSync = followers.get(0);
        int lastFollower = followers.get(1);
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), true, Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            write(producer, topic, "three-", 30, checker);
            cluster.kill(outOfSync);
            Await.until("broker " + outOfSync + " out of the ISR", WAIT, () -> !state(topic).isr().contains(outOfSync));
            write(producer, topic, "two-", 30, checker); // two in sync: min.insync.replicas is met
            cluster.kill(lastFollower);
            Await.until("the ISR down to the leader " + leader, WAIT, () -> state(topic).isr(), isr -> isr.equals(List.of(leader)));
            long end = cluster.admin().listOffsets(Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset();
            try (KafkaProducer<String, String> once = Clients.producer(cluster.bootstrap(), false, Map.of(ProducerConfig.RETRIES_CONFIG, 0))) {
                // no retries, so the broker's answer is what the send fails with
                assertThatThrownBy(() -> once.send(new ProducerRecord<>(topic, 0, null, "refused")).get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(NotEnoughReplicasException.class);
            }
            checker.sent(0, "refused");
            checker.failed("refused");
            long after = cluster.admin().listOffsets(Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset();
            assertThat(after).as("the log did not move").isEqualTo(end);
        }
        // the leader dies too, the last broker: nobody is left to change the store. The out-of-sync replica returns
        // (and becomes the controller): it must find the partition offline with the dead leader kept as its ISR,
        // never elect itself
        cluster.kill(leader);
        cluster.start(outOfSync);
        Await.until(topic + "-0 offline with " + leader + " kept as its ISR, under a controller on broker " + outOfSync, WAIT,
                () -> cluster.store().controllerId().orElse(-1) == outOfSync && state(topic).leader() == PartitionState.NO_LEADER);
        assertThat(state(topic).isr()).as("no unclean election").isEqualTo(List.of(leader));
        Await.until("broker " + outOfSync + "'s metadata: " + topic + "-0 without a leader", WAIT,
                () -> cluster.metadataOf(outOfSync, topic), m -> m.partition(topic, 0) != null && m.leader(topic, 0) == -1);

        cluster.start(leader);
        Await.until(topic + "-0 led by " + leader + ", the last in-sync replica", WAIT, () -> state(topic).leader() == leader);
        cluster.start(lastFollower);
        Await.until(topic + "-0 with all three in its ISR again", WAIT, () -> state(topic).isr().size() == 3);
        HistoryChecker.Result result = check(topic, checker);
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.acknowledged()).isEqualTo(60);
        awaitIdenticalReplicas(topic);
    }
}

package dev.sluice.replication.it;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metrics.Gauge;
import dev.sluice.broker.metrics.Meter;
import dev.sluice.broker.metrics.MetricName;
import dev.sluice.broker.partition.PartitionRole;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication metrics in a three-broker cluster (issue #16): the leader's
 * UnderReplicatedPartitions goes to 1 when a follower stops (first one that stays up but stops
 * fetching, which the leader shrinks out of the ISR — IsrShrinksPerSec — then one that shuts down,
 * which the controller takes out) and back to 0 once it returns and the leader expands the ISR
 * again (IsrExpandsPerSec); exactly one broker reports ActiveControllerCount 1, and no partition
 * is offline.
 */
class ClusterMetricsTest {
    private static final String TOPIC = "watched";

    @TempDir
    Path dir;
    private final InProcessClusterState cluster = new InProcessClusterState();
    private final Map<Integer, Broker> brokers = new HashMap<>();
    private ClusterMetadataStore store;

    @AfterEach
    void stop() {
        brokers.values().forEach(Broker::close);
        brokers.clear();
        if (store != null) {
            store.close();
        }
    }

    private void start(int id) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("b" + id).toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("broker.id", Integer.toString(id));
        settings.put("zookeeper.connect", "in-process");
        settings.put("replica.fetch.wait.max.ms", "100");
        settings.put("replica.fetch.backoff.ms", "200");
        settings.put("replica.lag.time.max.ms", "1000");
        brokers.put(id, Broker.start(BrokerConfig.of(settings), Time.SYSTEM, Scheduler::newThread, s -> cluster.connect()));
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long topicMeter(Broker broker, String name) {
        return ((Meter) broker.metrics().registry().get(MetricName.of("kafka.server", "BrokerTopicMetrics", name))).count();
    }

    private static double gauge(Broker broker, String domain, String type, String name) {
        return ((Gauge) broker.metrics().registry().get(MetricName.of(domain, type, name))).read();
    }

    private static double underReplicated(Broker broker) {
        return gauge(broker, "kafka.server", "ReplicaManager", "UnderReplicatedPartitions");
    }

    private static long isrMeter(Broker broker, String name) {
        return ((Meter) broker.metrics().registry().get(MetricName.of("kafka.server", "ReplicaManager", name))).count();
    }

    private PartitionState state() {
        return store.partitionState(TOPIC, 0).orElseThrow().value();
    }

    @Test
    void underReplicatedPartitionsFollowAStoppedFollowerAndTheControllerIsCountedOnce() throws Exception {
        for (int id = 1; id <= 3; id++) {
            start(id);
        }
        store = cluster.connect();
        await("three brokers registered", () -> store.liveBrokers().size() == 3);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.get(1).bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(20, TimeUnit.SECONDS);
        }
        await("a leader with all three in sync", () -> store.partitionState(TOPIC, 0)
                .map(s -> s.value().leader() >= 0 && s.value().isr().size() == 3).orElse(false));
        Broker leader = brokers.get(state().leader());
        // the store is ahead of the brokers: wait until the leader applied its LeaderAndIsr
        await("the leader leads", () -> leader.partitions().partition(TOPIC, 0)
                .map(p -> p.role() instanceof PartitionRole.Leader).orElse(false));
        assertThat(gauge(leader, "kafka.server", "ReplicaManager", "LeaderCount")).isEqualTo(1.0);
        await("the leader applied the full ISR", () -> underReplicated(leader) == 0.0);
        await("one active controller", () -> brokers.values().stream()
                .mapToDouble(b -> gauge(b, "kafka.controller", "KafkaController", "ActiveControllerCount")).sum() == 1.0);
        for (Broker b : brokers.values()) {
            assertThat(gauge(b, "kafka.controller", "KafkaController", "OfflinePartitionsCount")).isZero();
        }
        long shrinksBefore = isrMeter(leader, "IsrShrinksPerSec");
        long expandsBefore = isrMeter(leader, "IsrExpandsPerSec");
        List<Integer> followers = brokers.keySet().stream().filter(id -> id != state().leader()).sorted().toList();

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, leader.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false), new ByteArraySerializer(), new ByteArraySerializer())) {
            // a follower that stays up but stops fetching: the leader notices once it lacks a record
            brokers.get(followers.get(0)).replicaManager().stopReplicaFetching();
            producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[]{1})).get(20, TimeUnit.SECONDS);
            await("under-replicated on the leader", () -> underReplicated(leader) == 1.0);
            // the follower still fetching copied the record: replication bytes in there, out at the leader
            Broker fetching = brokers.get(followers.get(1));
            await("replication bytes in on the fetching follower", () -> topicMeter(fetching, "ReplicationBytesInPerSec") > 0);
            assertThat(topicMeter(leader, "ReplicationBytesOutPerSec")).isPositive();
            assertThat(topicMeter(leader, "ReplicationBytesInPerSec")).as("a leader copies nothing in").isZero();
            assertThat(isrMeter(leader, "IsrShrinksPerSec")).isGreaterThan(shrinksBefore);
            for (int f : followers) {
                assertThat(underReplicated(brokers.get(f))).as("only leaders report it").isZero();
            }

            brokers.remove(followers.get(0)).close(); // restarted, it fetches again and rejoins
            start(followers.get(0));
            await("back in the ISR", () -> state().isr().size() == 3);
            await("no longer under-replicated", () -> underReplicated(leader) == 0.0);
            assertThat(isrMeter(leader, "IsrExpandsPerSec")).isGreaterThan(expandsBefore);

            // a follower that shuts down: the controller takes it out of the ISR
            brokers.remove(followers.get(1)).close();
            await("under-replicated again", () -> underReplicated(leader) == 1.0);
            start(followers.get(1));
            await("all back", () -> underReplicated(leader) == 0.0);
            producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[]{2})).get(20, TimeUnit.SECONDS);
        }
        assertThat(brokers.values().stream()
                .mapToDouble(b -> gauge(b, "kafka.controller", "KafkaController", "ActiveControllerCount")).sum()).isEqualTo(1.0);
    }
}

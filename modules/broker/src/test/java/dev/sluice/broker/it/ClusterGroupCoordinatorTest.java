package dev.sluice.broker.it;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.Await;
import dev.sluice.broker.testing.InProcessCluster;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.sluice.broker.it.GroupTestSupport.value;
import static dev.sluice.broker.it.WireClient.error;
import static dev.sluice.broker.testing.Await.orNull;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumer groups on a three-broker cluster (brokers on one in-process metadata store, the same
 * code path as ZooKeeper): the first FindCoordinator creates {@code __consumer_offsets} in the
 * cluster metadata store (placed by the controller, Kafka's configs), the coordinator is the leader
 * of the group's partition, and when that broker restarts (rf=1: the partition is offline meanwhile)
 * the group finds it again once it leads and has loaded the partition, with every committed offset.
 */
class ClusterGroupCoordinatorTest {
    private static final String OFFSETS = "__consumer_offsets";
    private static final String TOPIC = "events";
    private static final String GROUP = "g";

    @TempDir
    Path dir;
    private InProcessCluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void cluster() {
        Map<String, String> settings = new HashMap<>(GroupTestSupport.FAST_GROUPS);
        settings.put("offsets.topic.num.partitions", "3");
        cluster = new InProcessCluster(dir, settings);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        cluster.close();
    }

    private Broker start(int id, int offsetsReplicationFactor) throws Exception {
        return cluster.start(id, Map.of("offsets.topic.replication.factor", Integer.toString(offsetsReplicationFactor)));
    }

    private static <T> T await(String what, Supplier<T> value, Predicate<T> done) throws InterruptedException {
        return Await.await(what, Duration.ofSeconds(40), value, done);
    }

    private void awaitLed(Admin admin, String topic, int partitions) throws InterruptedException {
        await(topic + " led on every partition", () -> orNull(() -> admin.describeTopics(List.of(topic))
                .allTopicNames().get().get(topic)), (TopicDescription d) -> d != null && d.partitions().size() == partitions
                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    }

    private static Struct findCoordinator(WireClient client, String group) throws Exception {
        Struct request = ApiKey.FIND_COORDINATOR.newRequest().set("KeyType", (byte) 0).set("CoordinatorKeys", List.of(group));
        return client.call(ApiKey.FIND_COORDINATOR, (short) 4, request).getArray("Coordinators").get(0);
    }

    /**
     * Polls both members (each must poll to take part in a rebalance) until every value in
     * {@code expected} was seen by one of them and the group is settled: the two share all six partitions.
     */
    private static void consumeUntil(List<KafkaConsumer<byte[], byte[]>> members, Set<String> seen, Set<String> expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((!seen.containsAll(expected) || !settled(members) || !drained(members)) && System.nanoTime() < deadline) {
            for (KafkaConsumer<byte[], byte[]> member : members) {
                for (ConsumerRecord<byte[], byte[]> record : member.poll(Duration.ofMillis(100))) {
                    seen.add(value(record));
                }
            }
        }
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(seen);
        assertThat(missing).as("records not consumed").isEmpty();
    }

    /** Every member's position is at the end of every partition it has: a commit now covers everything. */
    private static boolean drained(List<KafkaConsumer<byte[], byte[]>> members) {
        for (KafkaConsumer<byte[], byte[]> member : members) {
            Map<TopicPartition, Long> ends = member.endOffsets(member.assignment());
            for (TopicPartition tp : member.assignment()) {
                if (member.position(tp) != ends.get(tp)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean settled(List<KafkaConsumer<byte[], byte[]>> members) {
        Set<TopicPartition> assigned = new HashSet<>();
        for (KafkaConsumer<byte[], byte[]> member : members) {
            if (member.assignment().isEmpty()) {
                return false;
            }
            assigned.addAll(member.assignment());
        }
        return assigned.size() == 6;
    }

    private static Set<String> numbers(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).collect(Collectors.toSet());
    }

    private static void produce(String bootstrap, int from, int to) throws Exception {
        try (var producer = KafkaClients.producer(bootstrap, Map.of())) {
            for (int i = from; i < to; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TOPIC,
                        GroupTestSupport.utf8("k" + i), GroupTestSupport.utf8(Integer.toString(i)))).get(20, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin) {
        Map<TopicPartition, OffsetAndMetadata> offsets = orNull(() -> admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS));
        return offsets == null ? null : offsets.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Test
    void theGroupFindsItsRestartedCoordinatorAndResumesFromItsCommittedOffsets() throws Exception {
        start(1, 1);
        start(2, 1);
        start(3, 1);
        ClusterMetadataStore store = cluster.store();
        await("three brokers registered", () -> store.liveBrokers().keySet(), ids -> ids.equals(Set.of(1, 2, 3)));
        Admin admin = KafkaClients.admin(cluster.bootstrapServers());
        clients.add(admin);
        admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(20, TimeUnit.SECONDS);
        awaitLed(admin, TOPIC, 6);
        assertThat(store.topic(OFFSETS)).as("created lazily, on the first FindCoordinator").isEmpty();
        List<KafkaConsumer<byte[], byte[]>> members = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            KafkaConsumer<byte[], byte[]> member = GroupTestSupport.groupConsumer(cluster.bootstrapServers(), GROUP, Map.of());
            clients.add(member);
            member.subscribe(List.of(TOPIC));
            members.add(member);
        }
        Set<String> seen = new HashSet<>();
        consumeUntil(members, seen, Set.of()); // the group settles first: no rebalance moves partitions later
        produce(cluster.bootstrapServers(), 0, 120);
        consumeUntil(members, seen, numbers(0, 120));
        members.forEach(KafkaConsumer::commitSync);

        // the topic now lives in the cluster metadata store, as the controller placed it
        Versioned<TopicAssignment> offsetsTopic = store.topic(OFFSETS).orElseThrow();
        assertThat(offsetsTopic.value().partitionCount()).isEqualTo(3);
        assertThat(offsetsTopic.value().replicas().values()).allSatisfy(replicas -> assertThat(replicas).hasSize(1));
        assertThat(offsetsTopic.value().replicas().values().stream().map(r -> r.get(0)).collect(Collectors.toSet()))
                .as("leaders spread over the brokers").hasSize(3);
        assertThat(store.config(ConfigEntity.topic(OFFSETS))).containsEntry("cleanup.policy", "compact")
                .containsKey("segment.bytes");
        int partition = (GROUP.hashCode() & 0x7fffffff) % 3;
        int coordinator = admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP)
                .coordinator().id();
        assertThat(coordinator).isEqualTo(offsetsTopic.value().replicas().get(partition).get(0));
        cluster.brokers().forEach(broker -> assertThat(broker.coordinatorPartitions().isLoaded(partition))
                .as("partition " + partition + " loaded on broker " + broker.config().nodeId())
                .isEqualTo(broker.config().nodeId() == coordinator));
        Map<TopicPartition, Long> before = committed(admin);
        assertThat(before).hasSize(6);
        assertThat(before.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(120);

        // the coordinator stops: with one replica its partitions are offline until it is back
        cluster.stop(coordinator);
        await("the coordinator's partition without a leader", () -> store.partitionState(OFFSETS, partition)
                .map(s -> s.value().leader()).orElse(-2), leader -> leader == -1);
        try (WireClient client = new WireClient(cluster.brokers().get(0).bootstrapServers())) {
            assertThat(error(findCoordinator(client, GROUP))).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        for (KafkaConsumer<byte[], byte[]> member : members) {
            member.poll(Duration.ofMillis(200)); // the members notice: their coordinator is gone
        }
        start(coordinator, 1);
        Admin again = KafkaClients.admin(cluster.bootstrapServers());
        clients.add(again);
        awaitLed(again, TOPIC, 6);

        // every commit made before the restart is there, read back from the restarted coordinator's log
        assertThat(await("the committed offsets from the restarted coordinator", () -> committed(again),
                after -> after != null && !after.isEmpty())).isEqualTo(before);
        produce(cluster.bootstrapServers(), 120, 240);
        consumeUntil(members, seen, numbers(120, 240));
        members.forEach(KafkaConsumer::commitSync); // through the restarted coordinator
        assertThat(committed(again).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(240);
        for (KafkaConsumer<byte[], byte[]> member : members) {
            member.close();
            clients.remove(member);
        }

        // a new member starts where the group left off: nothing before the commits again (earliest would show it)
        produce(cluster.bootstrapServers(), 240, 270);
        KafkaConsumer<byte[], byte[]> late = GroupTestSupport.groupConsumer(cluster.bootstrapServers(), GROUP, Map.of());
        clients.add(late);
        late.subscribe(List.of(TOPIC));
        List<String> resumed = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (resumed.size() < 30 && System.nanoTime() < deadline) {
            late.poll(Duration.ofMillis(200)).forEach(r -> resumed.add(value(r)));
        }
        late.poll(Duration.ofMillis(500)).forEach(r -> resumed.add(value(r)));
        assertThat(new HashSet<>(resumed)).isEqualTo(numbers(240, 270));
        assertThat(resumed).hasSize(30);
    }

    @Test
    void aTopicDeletedInTheClusterTakesTheGroupsCommittedOffsetsAlong() throws Exception {
        start(1, 1);
        start(2, 1);
        start(3, 1);
        ClusterMetadataStore store = cluster.store();
        await("three brokers registered", () -> store.liveBrokers().keySet(), ids -> ids.equals(Set.of(1, 2, 3)));
        Admin admin = KafkaClients.admin(cluster.bootstrapServers());
        clients.add(admin);
        admin.createTopics(List.of(new NewTopic("gone", 3, (short) 1), new NewTopic("kept", 1, (short) 1)))
                .all().get(20, TimeUnit.SECONDS);
        awaitLed(admin, "gone", 3);
        awaitLed(admin, "kept", 1);
        KafkaConsumer<byte[], byte[]> consumer = GroupTestSupport.groupConsumer(cluster.bootstrapServers(), GROUP, Map.of());
        clients.add(consumer);
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        IntStream.range(0, 3).forEach(p -> commits.put(new TopicPartition("gone", p), new OffsetAndMetadata(5)));
        commits.put(new TopicPartition("kept", 0), new OffsetAndMetadata(7));
        consumer.commitSync(commits); // a group without members: commits from outside a generation
        assertThat(committed(admin)).hasSize(4);

        admin.deleteTopics(List.of("gone")).all().get(20, TimeUnit.SECONDS);
        // else a re-created "gone" would be read from offset 5 (Kafka's onPartitionsDeleted)
        assertThat(await("the deleted topic's offsets gone", () -> committed(admin), c -> c != null && c.size() == 1))
                .isEqualTo(Map.of(new TopicPartition("kept", 0), 7L));
    }

    @Test
    void theOffsetsTopicWaitsForAsManyLiveBrokersAsItsReplicationFactor() throws Exception {
        start(1, 3);
        start(2, 3);
        ClusterMetadataStore store = cluster.store();
        await("two brokers registered", () -> store.liveBrokers().keySet(), ids -> ids.equals(Set.of(1, 2)));
        await("a controller", store::controllerId, c -> c.isPresent());
        try (WireClient client = new WireClient(cluster.broker(1).bootstrapServers())) {
            Struct answer = findCoordinator(client, GROUP);
            assertThat(error(answer)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
            assertThat(answer.getInt("NodeId")).isEqualTo(-1);
            assertThat(store.topic(OFFSETS)).as("not created with 2 live brokers for replication factor 3").isEmpty();

            start(3, 3);
            await("three brokers registered", () -> store.liveBrokers().keySet(), ids -> ids.equals(Set.of(1, 2, 3)));
            Struct found = await("a coordinator once three brokers are alive", () -> orNull(() -> findCoordinator(client, GROUP)),
                    a -> a != null && error(a) == Errors.NONE);
            Optional<Versioned<TopicAssignment>> created = store.topic(OFFSETS);
            assertThat(created).isPresent();
            assertThat(created.get().value().replicas().values()).allSatisfy(r -> assertThat(r).hasSize(3));
            int partition = (GROUP.hashCode() & 0x7fffffff) % 3;
            int leader = store.partitionState(OFFSETS, partition).orElseThrow().value().leader();
            assertThat(found.getInt("NodeId")).isEqualTo(leader);
        }
    }
}

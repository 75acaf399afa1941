package dev.sluice.replication.it;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.broker.testing.Await;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.sluice.broker.testing.Await.orNull;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group coordinator moving between brokers with the leadership of the group's
 * {@code __consumer_offsets} partition, replicated three times (Kafka's default factor): a group of
 * two kafka-clients consumers commits; the coordinator broker stops (a controlled shutdown moves
 * the partition's leadership to another in-sync replica), and the group finds the new coordinator,
 * which loaded the partition from its replica with every acknowledged commit; the old broker comes
 * back as a follower and the second coordinator stops too, and the group follows to the third.
 * Nothing consumed is lost, and a new member starts exactly at the last commits. (Handing the
 * partition back to the returned broker by a preferred election waits for ISR expansion.)
 */
class CoordinatorFailoverTest {
    private static final String OFFSETS = "__consumer_offsets";
    private static final String TOPIC = "events";
    private static final String GROUP = "g";
    private static final int PARTITIONS = 6;

    @TempDir
    Path dir;
    private InProcessCluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void cluster() {
        cluster = new InProcessCluster(dir, Map.of("replica.fetch.wait.max.ms", "100", "replica.fetch.backoff.ms", "200",
                "group.initial.rebalance.delay.ms", "0", "group.min.session.timeout.ms", "1000",
                "offsets.topic.num.partitions", "3"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        cluster.close();
    }

    private static <T> T await(String what, Supplier<T> value, Predicate<T> done) throws InterruptedException {
        return Await.await(what, Duration.ofSeconds(60), value, done);
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        Admin admin = Admin.create(props);
        clients.add(admin);
        return admin;
    }

    private KafkaConsumer<byte[], byte[]> member() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 30_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        clients.add(consumer);
        consumer.subscribe(List.of(TOPIC));
        return consumer;
    }

    private void produce(int from, int to) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(TOPIC, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        Integer.toString(i).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls every member until all {@code expected} values were seen, the group shares all partitions, and all are at the end. */
    private static void consumeUntil(List<KafkaConsumer<byte[], byte[]>> members, Set<String> seen, Set<String> expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((!seen.containsAll(expected) || !settledAtTheEnd(members)) && System.nanoTime() < deadline) {
            for (KafkaConsumer<byte[], byte[]> member : members) {
                for (ConsumerRecord<byte[], byte[]> record : member.poll(Duration.ofMillis(100))) {
                    seen.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
        }
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(seen);
        assertThat(missing).as("records not consumed").isEmpty();
        assertThat(settledAtTheEnd(members)).as("group settled at the end of every partition").isTrue();
    }

    private static boolean settledAtTheEnd(List<KafkaConsumer<byte[], byte[]>> members) {
        Set<TopicPartition> assigned = new HashSet<>();
        for (KafkaConsumer<byte[], byte[]> member : members) {
            if (member.assignment().isEmpty()) {
                return false;
            }
            Map<TopicPartition, Long> ends = orNull(() -> member.endOffsets(member.assignment()));
            if (ends == null) {
                return false;
            }
            for (TopicPartition tp : member.assignment()) {
                if (member.position(tp) != ends.get(tp)) {
                    return false;
                }
            }
            assigned.addAll(member.assignment());
        }
        return assigned.size() == PARTITIONS;
    }

    private static Set<String> numbers(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).collect(Collectors.toSet());
    }

    private static Map<TopicPartition, Long> committed(Admin admin) {
        Map<TopicPartition, OffsetAndMetadata> offsets = orNull(() -> admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS));
        return offsets == null ? null : offsets.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static int coordinator(Admin admin) {
        Integer id = orNull(() -> admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS)
                .get(GROUP).coordinator().id());
        return id == null ? -1 : id;
    }

    private int leaderOfGroupPartition(ClusterMetadataStore store) {
        int partition = (GROUP.hashCode() & 0x7fffffff) % 3;
        return store.partitionState(OFFSETS, partition).map(s -> s.value().leader()).orElse(-1);
    }

    @Test
    void theGroupFollowsItsCoordinatorToAnotherReplicaAndBackWithEveryCommit() throws Exception {
        cluster.start(1);
        cluster.start(2);
        cluster.start(3);
        ClusterMetadataStore store = cluster.store();
        await("three brokers registered", () -> store.liveBrokers().keySet(), ids -> ids.equals(Set.of(1, 2, 3)));
        Admin admin = admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(20, TimeUnit.SECONDS);

        List<KafkaConsumer<byte[], byte[]>> members = List.of(member(), member());
        Set<String> seen = new HashSet<>();
        consumeUntil(members, seen, Set.of());
        produce(0, 120);
        consumeUntil(members, seen, numbers(0, 120));
        members.forEach(KafkaConsumer::commitSync); // acknowledged once all three replicas of the partition have it
        Map<TopicPartition, Long> first = committed(admin);
        assertThat(first.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(120);
        assertThat(store.topic(OFFSETS).orElseThrow().value().replicas().values())
                .allSatisfy(replicas -> assertThat(replicas).hasSize(3));
        int original = coordinator(admin);
        assertThat(original).isEqualTo(leaderOfGroupPartition(store));

        // the coordinator stops: its leadership moves to another in-sync replica, which loads the group
        cluster.stop(original);
        int moved = await("another broker leads the group's partition", () -> leaderOfGroupPartition(store),
                leader -> leader > 0 && leader != original);
        Admin survivors = admin();
        assertThat(await("the new coordinator named", () -> coordinator(survivors), c -> c == moved)).isEqualTo(moved);
        assertThat(await("the commits read from the new coordinator's replica", () -> committed(survivors),
                c -> c != null && !c.isEmpty())).isEqualTo(first);
        produce(120, 240);
        consumeUntil(members, seen, numbers(120, 240));
        members.forEach(KafkaConsumer::commitSync);
        Map<TopicPartition, Long> second = committed(survivors);
        assertThat(second.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(240);

        // the first coordinator returns (a follower now), and the second one stops: the group moves again,
        // to the last in-sync replica, still with every commit
        cluster.start(original);
        cluster.stop(moved);
        int third = await("the last in-sync replica leads the group's partition", () -> leaderOfGroupPartition(store),
                leader -> leader > 0 && leader != moved);
        Admin all = admin();
        assertThat(await("the third coordinator named", () -> coordinator(all), c -> c == third)).isEqualTo(third);
        assertThat(await("the commits on the third coordinator", () -> committed(all), c -> c != null && !c.isEmpty()))
                .isEqualTo(second);
        produce(240, 300);
        consumeUntil(members, seen, numbers(240, 300));
        members.forEach(KafkaConsumer::commitSync);
        assertThat(committed(all).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
        for (KafkaConsumer<byte[], byte[]> member : members) {
            member.close();
            clients.remove(member);
        }

        // a new member starts exactly where the group committed: earliest would show anything lost
        produce(300, 330);
        KafkaConsumer<byte[], byte[]> late = member();
        List<String> resumed = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (resumed.size() < 30 && System.nanoTime() < deadline) {
            late.poll(Duration.ofMillis(200)).forEach(r -> resumed.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        late.poll(Duration.ofMillis(500)).forEach(r -> resumed.add(new String(r.value(), StandardCharsets.UTF_8)));
        assertThat(new HashSet<>(resumed)).isEqualTo(numbers(300, 330));
        assertThat(resumed).hasSize(30);
    }
}

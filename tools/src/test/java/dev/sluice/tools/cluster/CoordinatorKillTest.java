package dev.sluice.tools.cluster;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group coordinator moving (#10): a kafka-clients consumer group commits offsets, the broker
 * coordinating it is killed -9, the leadership of the group's {@code __consumer_offsets} partition
 * (replication factor 3) moves and with it the coordinator; every committed offset is still there,
 * and a member joining the group on the new coordinator resumes exactly at the commits.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CoordinatorKillTest {
    private static final String TOPIC = "orders";
    private static final String GROUP = "billing";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(ProcessCluster.Settings.of("CoordinatorKillTest").withBrokerSettings(Map.of(
                "offsets.topic.replication.factor", "3", "offsets.topic.num.partitions", "3", "min.insync.replicas", "2",
                "group.initial.rebalance.delay.ms", "0")), dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static KafkaConsumer<String, String> member(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000));
    }

    private static int coordinator() throws Exception {
        ConsumerGroupDescription d = cluster.admin().describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
        return d.coordinator() == null ? -1 : d.coordinator().id();
    }

    private static Map<TopicPartition, Long> committed() throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : cluster.admin().listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet()) {
            offsets.put(e.getKey(), e.getValue().offset());
        }
        return offsets;
    }

    @Test
    void theCoordinatorMovesWithItsPartitionAndKeepsEveryCommit() throws Exception {
        cluster.admin().createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
        Set<String> all = new TreeSet<>();
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), true)) {
            for (int i = 0; i < 300; i++) {
                String value = "order-" + i;
                all.add(value);
                producer.send(new ProducerRecord<>(TOPIC, i % 3, null, value)).get(30, TimeUnit.SECONDS);
            }
        }
        Set<String> seenBefore = new TreeSet<>();
        Map<TopicPartition, Long> committedBefore;
        try (KafkaConsumer<String, String> consumer = member(cluster.bootstrap())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seenBefore.size() < 150 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seenBefore.add(r.value());
                }
                consumer.commitSync(Duration.ofSeconds(30)); // what was polled is processed: commit it
            }
            assertThat(seenBefore).hasSizeGreaterThanOrEqualTo(150);
            committedBefore = committed();
            assertThat(committedBefore.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(seenBefore.size());
        }
        int oldCoordinator = Await.until("a coordinator for " + GROUP, WAIT, CoordinatorKillTest::coordinator, c -> c > 0);

        cluster.kill(oldCoordinator);
        int newCoordinator = Await.until("another coordinator for " + GROUP, WAIT, CoordinatorKillTest::coordinator,
                c -> c > 0 && c != oldCoordinator);
        assertThat(cluster.running()).contains(newCoordinator);
        Map<TopicPartition, Long> committedAfter = Await.until("the commits read from the new coordinator", WAIT,
                CoordinatorKillTest::committed, c -> !c.isEmpty());
        assertThat(committedAfter).isEqualTo(committedBefore);

        List<String> seenAfter = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = member(cluster.bootstrap())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seenBefore.size() + seenAfter.size() < all.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seenAfter.add(r.value());
                }
            }
        }
        assertThat(seenAfter).as("resumed exactly at the commits: nothing twice").doesNotContainAnyElementsOf(seenBefore)
                .doesNotHaveDuplicates();
        Set<String> union = new TreeSet<>(seenBefore);
        union.addAll(seenAfter);
        assertThat(union).isEqualTo(all);
    }
}

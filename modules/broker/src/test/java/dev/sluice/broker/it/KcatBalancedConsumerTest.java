package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static dev.sluice.broker.it.GroupTestSupport.createTopic;
import static dev.sluice.broker.it.GroupTestSupport.groupConsumer;
import static dev.sluice.broker.it.GroupTestSupport.produceNumbered;
import static dev.sluice.broker.it.GroupTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * librdkafka's balanced consumer ({@code kcat -G}) in groups on this broker: two kcat processes
 * share a topic's partitions, and a kcat and a kafka-clients consumer agree on the range assignor
 * and split them. Every record is consumed exactly once across the group. Runs only where kcat is
 * installed (CI installs it).
 */
@EnabledIf("dev.sluice.broker.it.Kcat#installed")
class KcatBalancedConsumerTest {
    private static final int RECORDS = 200;
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;
    private TestBroker broker;
    private final List<Kcat> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, FAST_GROUPS);
    }

    @AfterEach
    void stop() throws Exception {
        for (Kcat kcat : running) {
            kcat.close();
        }
        broker.close();
    }

    /** A balanced consumer printing "partition offset value" lines; extra args go before the topic. */
    private Kcat kcat(String group, String topic, String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("-b", broker.bootstrap(), "-G", group, "-o", "beginning",
                "-f", "%p %o %s\\n", "-u", "-q", "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500"));
        args.addAll(List.of(extra));
        args.add(topic);
        Kcat kcat = Kcat.start(dir.resolve(name + ".err"), args.toArray(String[]::new));
        running.add(kcat);
        return kcat;
    }

    /** A consumed record as kcat prints it: partition, offset, value. */
    private record Consumed(int partition, long offset, String value) {
        static Consumed parse(String line) {
            String[] parts = line.split(" ", 3);
            return new Consumed(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), parts[2]);
        }
    }

    private static List<Consumed> consumed(Kcat kcat) {
        return kcat.lines().stream().map(Consumed::parse).toList();
    }

    private static Set<Integer> partitionsOf(List<Consumed> records) {
        Set<Integer> partitions = new HashSet<>();
        records.forEach(r -> partitions.add(r.partition()));
        return partitions;
    }

    private ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(20, TimeUnit.SECONDS);
    }

    /** Waits (bounded) for something outside the test's control, e.g. processes joining a group. */
    private static void await(BooleanSupplier condition, String what, Runnable meanwhile) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            meanwhile.run();
        }
    }

    private static Runnable pause() {
        return () -> {
            try {
                Thread.sleep(100); // another process's progress: nothing in this JVM to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private boolean stableWith(Admin admin, String group, int members) {
        try {
            ConsumerGroupDescription description = describe(admin, group);
            return description.groupState() == GroupState.STABLE && description.members().size() == members
                    && description.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void twoKcatBalancedConsumersShareATopicAndConsumeEachRecordOnce() throws Exception {
        createTopic(broker.bootstrap(), "shared", PARTITIONS);
        Kcat first = kcat("kcat-group", "shared", "first");
        Kcat second = kcat("kcat-group", "shared", "second");
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            await(() -> stableWith(admin, "kcat-group", 2), "two kcat members with partitions; stderr: "
                    + first.stderr() + second.stderr(), pause());
        }
        produceNumbered(broker.bootstrap(), "shared", RECORDS);
        await(() -> first.lines().size() + second.lines().size() >= RECORDS, "all records consumed", pause());

        List<Consumed> a = consumed(first);
        List<Consumed> b = consumed(second);
        List<String> values = Stream.concat(a.stream(), b.stream()).map(Consumed::value).toList();
        assertThat(values).hasSize(RECORDS).doesNotHaveDuplicates();
        assertThat(new HashSet<>(values)).isEqualTo(numbers());
        assertThat(a).isNotEmpty();
        assertThat(b).isNotEmpty();
        assertThat(partitionsOf(a)).doesNotContainAnyElementsOf(partitionsOf(b));
    }

    @Test
    void aKcatAndAKafkaClientsConsumerSplitTheTopicWithTheRangeAssignor() throws Exception {
        createTopic(broker.bootstrap(), "mixed", PARTITIONS);
        Kcat kcat = kcat("mixed-group", "mixed", "kcat", "-X", "partition.assignment.strategy=range");
        List<ConsumerRecord<byte[], byte[]>> javaRecords = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> java = groupConsumer(broker.bootstrap(), "mixed-group", Map.of(
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
             Admin admin = KafkaClients.admin(broker.bootstrap())) {
            java.subscribe(List.of("mixed"));
            Runnable poll = () -> java.poll(Duration.ofMillis(100)).forEach(javaRecords::add);
            await(() -> java.assignment().size() == PARTITIONS / 2 && stableWith(admin, "mixed-group", 2),
                    "kcat and kafka-clients sharing the group; kcat stderr: " + kcat.stderr(), poll);
            assertThat(describe(admin, "mixed-group").partitionAssignor()).isEqualTo("range");

            produceNumbered(broker.bootstrap(), "mixed", RECORDS);
            await(() -> javaRecords.size() + kcat.lines().size() >= RECORDS, "all records consumed", poll);

            List<Consumed> fromKcat = consumed(kcat);
            List<String> values = new ArrayList<>(fromKcat.stream().map(Consumed::value).toList());
            javaRecords.forEach(r -> values.add(value(r)));
            assertThat(values).hasSize(RECORDS).doesNotHaveDuplicates();
            assertThat(new HashSet<>(values)).isEqualTo(numbers());
            Set<Integer> javaPartitions = new HashSet<>();
            java.assignment().forEach(tp -> javaPartitions.add(tp.partition()));
            assertThat(fromKcat).isNotEmpty();
            assertThat(partitionsOf(fromKcat)).doesNotContainAnyElementsOf(javaPartitions);
            javaRecords.forEach(r -> assertThat(javaPartitions).contains(r.partition()));
        }
    }

    private static Set<String> numbers() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
            all.add(Integer.toString(i));
        }
        return all;
    }
}

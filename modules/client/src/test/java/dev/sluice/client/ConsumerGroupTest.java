package dev.sluice.client;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.SluiceConsumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Sluice consumers in groups against an in-process broker, alone and mixed with kafka-clients consumers. */
class ConsumerGroupTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "1000"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static SluiceConsumer consumer(String group, Map<String, Object> overrides) {
        ConsumerConfig.Builder b = ConsumerConfig.builder().bootstrapServers(broker.bootstrap()).groupId(group)
                .set("auto.offset.reset", "earliest").set("enable.auto.commit", "false")
                .set("session.timeout.ms", 6000).set("heartbeat.interval.ms", 300).set("max.poll.interval.ms", 15_000)
                .fetchMaxWaitMs(100);
        overrides.forEach(b::set);
        return new SluiceConsumer(b.build());
    }

    private static void produce(String topic, int from, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        Integer.toString(i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static String value(ConsumerRecord r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    /** Commits every revoked partition's position: the hand-over loses nothing and repeats nothing. */
    private static ConsumerRebalanceListener commitOnRevoke(SluiceConsumer[] self, List<Collection<TopicPartition>> revocations) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                revocations.add(Set.copyOf(partitions));
                Map<TopicPartition, OffsetAndMetadata> offsets = partitions.stream().collect(Collectors.toMap(
                        tp -> tp, tp -> new OffsetAndMetadata(self[0].position(tp))));
                self[0].commitSync(offsets);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        };
    }

    /** Polls each consumer in turn (polling drives membership) until {@code done}; fails after 30 s. */
    private static void pollUntil(BooleanSupplier done, List<String> sink, SluiceConsumer... consumers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached within 30 s").isLessThan(deadline);
            for (SluiceConsumer c : consumers) {
                c.poll(Duration.ofMillis(50)).forEach(r -> sink.add(value(r)));
            }
        }
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    private static List<String> numbers(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toList();
    }

    @Test
    void membersSplitPartitionsDisjointlyAndHandOverOnLeaveWithNothingLostOrRepeated() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "split", 6);
        produce("split", 0, 120);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Collection<TopicPartition>> revocations = new CopyOnWriteArrayList<>();
        SluiceConsumer[] a = new SluiceConsumer[1];
        SluiceConsumer[] b = new SluiceConsumer[1];
        SluiceConsumer[] c = new SluiceConsumer[1];
        try (SluiceConsumer first = consumer("split-group", Map.of("max.poll.records", 7));
             SluiceConsumer second = consumer("split-group", Map.of("max.poll.records", 7));
             SluiceConsumer third = consumer("split-group", Map.of("max.poll.records", 7))) {
            a[0] = first;
            b[0] = second;
            c[0] = third;
            first.subscribe(List.of("split"), commitOnRevoke(a, revocations));
            pollUntil(() -> seen.size() >= 20, seen, first); // the first member reads alone for a while
            second.subscribe(List.of("split"), commitOnRevoke(b, revocations));
            third.subscribe(List.of("split"), commitOnRevoke(c, revocations));
            pollUntil(() -> first.assignment().size() == 2 && second.assignment().size() == 2
                    && third.assignment().size() == 2, seen, first, second, third);
            Set<TopicPartition> union = new HashSet<>(first.assignment());
            union.addAll(second.assignment());
            union.addAll(third.assignment());
            assertThat(union).isEqualTo(partitions("split", 6));
            assertThat(first.groupMetadata().generationId()).isEqualTo(second.groupMetadata().generationId());
            assertThat(first.groupMetadata().memberId()).isNotEqualTo(second.groupMetadata().memberId());
            pollUntil(() -> seen.size() >= 120, seen, first, second, third);

            third.close(); // leaves: its partitions go to the others, from its committed offsets
            produce("split", 120, 60);
            pollUntil(() -> first.assignment().size() + second.assignment().size() == 6 && seen.size() >= 180,
                    seen, first, second);
            assertThat(seen).containsExactlyInAnyOrderElementsOf(numbers(0, 180));
            assertThat(revocations).isNotEmpty();
        }
    }

    @Test
    void twoGroupsEachReadEveryRecord() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "shared", 3);
        produce("shared", 0, 50);
        List<String> one = new CopyOnWriteArrayList<>();
        List<String> two = new CopyOnWriteArrayList<>();
        try (SluiceConsumer g1 = consumer("group-one", Map.of()); SluiceConsumer g2 = consumer("group-two", Map.of())) {
            g1.subscribe(List.of("shared"));
            g2.subscribe(Pattern.compile("sha.*"));
            pollUntil(() -> one.size() >= 50, one, g1);
            pollUntil(() -> two.size() >= 50, two, g2);
            assertThat(one).containsExactlyInAnyOrderElementsOf(numbers(0, 50));
            assertThat(two).containsExactlyInAnyOrderElementsOf(numbers(0, 50));
            assertThat(g2.subscription()).contains("shared");
        }
    }

    @Test
    void cooperativeStickyRevokesOnlyWhatMoves() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "coop", 6);
        produce("coop", 0, 60);
        Map<String, Object> coop = Map.of("partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Collection<TopicPartition>> revocations = new CopyOnWriteArrayList<>();
        SluiceConsumer[] a = new SluiceConsumer[1];
        SluiceConsumer[] b = new SluiceConsumer[1];
        try (SluiceConsumer first = consumer("coop-group", coop); SluiceConsumer second = consumer("coop-group", coop)) {
            a[0] = first;
            b[0] = second;
            first.subscribe(List.of("coop"), commitOnRevoke(a, revocations));
            pollUntil(() -> first.assignment().size() == 6 && seen.size() >= 10, seen, first);
            Set<TopicPartition> before = first.assignment();
            second.subscribe(List.of("coop"), commitOnRevoke(b, revocations));
            pollUntil(() -> first.assignment().size() == 3 && second.assignment().size() == 3, seen, first, second);
            // the first member kept half, gave up only the other half, never everything
            assertThat(before).containsAll(first.assignment());
            assertThat(revocations).hasSize(1);
            assertThat(revocations.get(0)).hasSize(3).doesNotContainAnyElementsOf(first.assignment());
            pollUntil(() -> seen.size() >= 60, seen, first, second);
            assertThat(seen).containsExactlyInAnyOrderElementsOf(numbers(0, 60));
        }
    }

    @Test
    void aMixedGroupWithKafkaClientsSplitsAndReadsEverythingOnce() throws Exception {
        for (String assignor : List.of("range", "cooperative-sticky")) {
            String topic = "mixed-" + assignor;
            KafkaClients.createTopic(broker.bootstrap(), topic, 4);
            produce(topic, 0, 80);
            String kafkaAssignor = assignor.equals("range") ? "org.apache.kafka.clients.consumer.RangeAssignor"
                    : "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
            List<String> seen = new CopyOnWriteArrayList<>();
            Map<String, Object> props = Map.of("group.id", "mixed-group-" + assignor, "partition.assignment.strategy",
                    kafkaAssignor, "session.timeout.ms", 6000, "heartbeat.interval.ms", 300, "max.poll.interval.ms", 15_000,
                    "max.poll.records", 5);
            try (KafkaConsumer<byte[], byte[]> kafka = KafkaClients.consumer(broker.bootstrap(), props);
                 SluiceConsumer ours = consumer("mixed-group-" + assignor, Map.of("partition.assignment.strategy", assignor,
                         "max.poll.records", 5))) {
                SluiceConsumer[] self = {ours};
                kafka.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                        kafka.commitSync(partitions.stream().collect(Collectors.toMap(tp -> tp,
                                tp -> new org.apache.kafka.clients.consumer.OffsetAndMetadata(kafka.position(tp)))));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
                    }
                });
                ours.subscribe(List.of(topic), commitOnRevoke(self, new CopyOnWriteArrayList<>()));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!(kafka.assignment().size() == 2 && ours.assignment().size() == 2 && seen.size() >= 80)) {
                    assertThat(System.nanoTime()).as("%s: split and read within 30 s", assignor).isLessThan(deadline);
                    kafka.poll(Duration.ofMillis(50)).forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
                    ours.poll(Duration.ofMillis(50)).forEach(r -> seen.add(value(r)));
                }
                Set<String> kafkaSide = kafka.assignment().stream().map(tp -> tp.topic() + "-" + tp.partition())
                        .collect(Collectors.toSet());
                Set<String> ourSide = ours.assignment().stream().map(tp -> tp.topic() + "-" + tp.partition())
                        .collect(Collectors.toSet());
                assertThat(kafkaSide).doesNotContainAnyElementsOf(ourSide);
                assertThat(seen).as(assignor).containsExactlyInAnyOrderElementsOf(numbers(0, 80));
            }
        }
    }

    @Test
    void offsetsCommittedByEitherClientAreSeenByTheOther() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "offsets", 2);
        TopicPartition p0 = new TopicPartition("offsets", 0);
        TopicPartition p1 = new TopicPartition("offsets", 1);
        org.apache.kafka.common.TopicPartition k0 = new org.apache.kafka.common.TopicPartition("offsets", 0);
        org.apache.kafka.common.TopicPartition k1 = new org.apache.kafka.common.TopicPartition("offsets", 1);
        try (SluiceConsumer ours = consumer("offsets-group", Map.of());
             KafkaConsumer<byte[], byte[]> kafka = KafkaClients.consumer(broker.bootstrap(), Map.of("group.id", "offsets-group"))) {
            assertThat(ours.committed(Set.of(p0))).containsEntry(p0, null);
            ours.commitSync(Map.of(p0, new OffsetAndMetadata(42, "from sluice")));
            assertThat(kafka.committed(Set.of(k0))).containsEntry(k0,
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(42, "from sluice"));
            kafka.commitSync(Map.of(k1, new org.apache.kafka.clients.consumer.OffsetAndMetadata(7, "from kafka")));
            assertThat(ours.committed(Set.of(p0, p1))).containsEntry(p0, new OffsetAndMetadata(42, "from sluice"))
                    .containsEntry(p1, new OffsetAndMetadata(7, "from kafka"));
            Map<TopicPartition, Exception> outcome = new ConcurrentHashMap<>();
            ours.commitAsync(Map.of(p1, new OffsetAndMetadata(9)), (offsets, error) -> outcome.put(p1,
                    error == null ? new Exception("ok") : error));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (outcome.isEmpty() && System.nanoTime() < deadline) {
                ours.poll(Duration.ofMillis(20)); // async callbacks run inside poll
            }
            assertThat(outcome.get(p1)).hasMessage("ok");
            assertThat(kafka.committed(Set.of(k1)).get(k1).offset()).isEqualTo(9);
        }
    }

    @Test
    void autoCommitAndPositionsStartFromCommittedOffsets() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "resume", 1);
        produce("resume", 0, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (SluiceConsumer c = consumer("resume-group", Map.of("enable.auto.commit", "true",
                "auto.commit.interval.ms", 100))) {
            c.subscribe(List.of("resume"));
            pollUntil(() -> seen.size() >= 30, seen, c);
        } // close commits what was consumed and leaves
        produce("resume", 30, 10);
        List<String> after = new CopyOnWriteArrayList<>();
        try (SluiceConsumer c = consumer("resume-group", Map.of())) {
            c.subscribe(List.of("resume"));
            pollUntil(() -> after.size() >= 10, after, c);
            assertThat(after).containsExactlyElementsOf(numbers(30, 40));
            assertThat(c.position(new TopicPartition("resume", 0))).isEqualTo(40);
        }
    }

    @Test
    void aMemberThatStopsPollingLeavesAndTheOtherTakesOver() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "slow", 4);
        List<String> seen = new ArrayList<>();
        Map<String, Object> quick = Map.of("max.poll.interval.ms", 1500);
        try (SluiceConsumer slow = consumer("slow-group", quick); SluiceConsumer steady = consumer("slow-group", quick)) {
            slow.subscribe(List.of("slow"));
            steady.subscribe(List.of("slow"));
            pollUntil(() -> slow.assignment().size() == 2 && steady.assignment().size() == 2, seen, slow, steady);
            String slowMember = slow.groupMetadata().memberId();
            // only steady polls now: slow exceeds max.poll.interval.ms and leaves the group
            pollUntil(() -> steady.assignment().size() == 4, seen, steady);
            assertThat(steady.groupMetadata().generationId()).isGreaterThan(1);
            slow.poll(Duration.ofMillis(10)); // back: its partitions are lost, it rejoins as a new member
            assertThat(slow.groupMetadata().memberId()).isNotEqualTo(slowMember);
        }
    }

    @Test
    void aStaticMemberComesBackToItsPartitionsWithoutLeaving() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "static", 4);
        List<String> seen = new ArrayList<>();
        SluiceConsumer a = consumer("static-group", Map.of("group.instance.id", "instance-a"));
        SluiceConsumer[] bs = {consumer("static-group", Map.of("group.instance.id", "instance-b"))};
        try {
            SluiceConsumer b = bs[0];
            a.subscribe(List.of("static"));
            b.subscribe(List.of("static"));
            pollUntil(() -> a.assignment().size() == 2 && b.assignment().size() == 2, seen, a, b);
            // range orders static members by instance id
            assertThat(a.assignment()).containsExactlyInAnyOrder(new TopicPartition("static", 0), new TopicPartition("static", 1));
            Set<TopicPartition> before = b.assignment();
            int generation = a.groupMetadata().generationId();
            b.close(); // a static member sends no LeaveGroup: its place waits for it
            SluiceConsumer back = consumer("static-group", Map.of("group.instance.id", "instance-b"));
            bs[0] = back;
            back.subscribe(List.of("static"));
            pollUntil(() -> back.assignment().equals(before), seen, a, back);
            assertThat(a.assignment()).hasSize(2);
            assertThat(a.groupMetadata().generationId()).isEqualTo(generation);
        } finally {
            a.close();
            bs[0].close();
        }
    }
}

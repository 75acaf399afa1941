package dev.sluice.connect.mirror;

import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.testing.Await;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Mirroring between two in-process brokers: what is copied, how it is named, and a clean restart. */
class MirrorTest {
    private static final long BASE_TS = 1_600_000_000_000L;

    @TempDir
    Path dir;
    private TestBroker a;
    private TestBroker b;
    private Mirror mirror;
    private final List<String> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startBrokers() throws Exception {
        a = TestBroker.start(dir.resolve("a"), Map.of("group.initial.rebalance.delay.ms", "0"));
        b = TestBroker.start(dir.resolve("b"), Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @AfterEach
    void stop() {
        if (mirror != null) {
            mirror.close();
        }
        b.close();
        a.close();
    }

    private Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("clusters", "a, b");
        s.put("a.bootstrap.servers", a.bootstrap());
        s.put("b.bootstrap.servers", b.bootstrap());
        s.put("a->b.enabled", "true");
        s.put("offset.flush.interval.ms", "200");
        s.put("progress.interval.seconds", "1");
        s.put("emit.checkpoints.interval.seconds", "1");
        return s;
    }

    private Mirror start(Map<String, String> settings) {
        return Mirror.start(MirrorConfig.parse(settings), Set.of(), Clock.systemUTC(), progress::add);
    }

    private static SluiceAdmin admin(TestBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        return new SluiceAdmin(p);
    }

    private static void createTopic(TestBroker broker, NewTopic topic) throws Exception {
        try (SluiceAdmin admin = admin(broker)) {
            admin.createTopics(List.of(topic)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Set<String> topics(TestBroker broker) {
        try (SluiceAdmin admin = admin(broker)) {
            return admin.listTopics().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code count} records "v0".. to {@code topic}, record i to partition i % partitions, with a header and a timestamp. */
    private static void produce(TestBroker broker, String topic, int partitions, int from, int count) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        try (SluiceProducer producer = new SluiceProducer(p)) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord(topic, i % partitions, BASE_TS + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8), List.of(new Header("h", ("h" + i).getBytes(StandardCharsets.UTF_8)))));
            }
            producer.flush();
        }
    }

    /** Every record of {@code topic}, all partitions, partition by partition in offset order. */
    private static List<ConsumerRecord> read(TestBroker broker, String topic, int partitions) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        List<ConsumerRecord> out = new ArrayList<>();
        try (SluiceConsumer consumer = new SluiceConsumer(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        out.sort((x, y) -> x.partition() != y.partition() ? Integer.compare(x.partition(), y.partition())
                : Long.compare(x.offset(), y.offset()));
        return out;
    }

    private static String describe(ConsumerRecord r) {
        return r.partition() + "/" + new String(r.key(), StandardCharsets.UTF_8) + "=" + new String(r.value(), StandardCharsets.UTF_8)
                + "@" + r.timestamp() + r.headers().stream().map(h -> "," + h.key() + ":" + new String(h.value(), StandardCharsets.UTF_8)).toList();
    }

    private static long count(TestBroker broker, String topic, int partitions) {
        return read(broker, topic, partitions).size();
    }

    @Test
    void copiesMatchingTopicsWithTheirPartitionsSettingsAndRecordsIntact() throws Exception {
        createTopic(a, new NewTopic("orders", 3, (short) 1, Map.of("retention.ms", "7654321", "message.timestamp.type", "LogAppendTime")));
        createTopic(a, new NewTopic("audit", 1));
        produce(a, "audit", 1, 0, 5);
        // LogAppendTime on the source: the copies keep the time the source gave them (the setting is not copied)
        produce(a, "orders", 3, 0, 30);
        Map<String, String> s = settings();
        s.put("topics", "orders.*");
        mirror = start(s);
        produce(a, "orders", 3, 30, 30);

        Await.await("60 records copied", Duration.ofSeconds(60), () -> count(b, "a.orders", 3) >= 60);

        assertThat(read(b, "a.orders", 3).stream().map(MirrorTest::describe).toList())
                .isEqualTo(read(a, "orders", 3).stream().map(MirrorTest::describe).toList());
        try (SluiceAdmin admin = admin(b)) {
            assertThat(admin.describeTopics(List.of("a.orders")).get(30, TimeUnit.SECONDS).get("a.orders").partitions()).hasSize(3);
            var settings = admin.describeConfigs(List.of(ConfigResource.topic("a.orders"))).get(30, TimeUnit.SECONDS)
                    .get(ConfigResource.topic("a.orders"));
            assertThat(settings.get("retention.ms").value()).isEqualTo("7654321");
            assertThat(settings.get("message.timestamp.type").value()).isEqualTo("CreateTime");
        }
        assertThat(topics(b)).doesNotContain("a.audit", "audit");
        Await.await("a progress line", Duration.ofSeconds(30), () -> progress.stream()
                .anyMatch(l -> l.startsWith("mirror a->b: orders -> a.orders: lag 0 records, 60 copied")));
    }

    @Test
    void theRemoteTopicsSettingsFollowTheSourcesChanges() throws Exception {
        createTopic(a, new NewTopic("orders", 1, (short) 1, Map.of("retention.ms", "1000000", "retention.bytes", "9999999")));
        Map<String, String> s = settings();
        s.put("refresh.topics.interval.seconds", "1");
        mirror = start(s);
        Await.await("a.orders created with the source's settings", Duration.ofSeconds(60),
                () -> "1000000".equals(remoteSetting("retention.ms")) && "9999999".equals(remoteSetting("retention.bytes")));

        try (SluiceAdmin admin = admin(a)) {
            admin.incrementalAlterConfigs(ConfigResource.topic("orders"), Map.of("retention.ms", "2000000"), List.of("retention.bytes"))
                    .get(30, TimeUnit.SECONDS);
        }
        Await.await("a.orders's settings changed and reset as the source's", Duration.ofSeconds(60),
                () -> "2000000".equals(remoteSetting("retention.ms")) && remoteSetting("retention.bytes") == null);
    }

    /** The value of a setting set on b's a.orders itself, or null. */
    private String remoteSetting(String name) {
        try (SluiceAdmin admin = admin(b)) {
            var entry = admin.describeConfigs(List.of(ConfigResource.topic("a.orders"))).get(30, TimeUnit.SECONDS)
                    .get(ConfigResource.topic("a.orders")).get(name);
            return entry == null || entry.source() != 1 ? null : entry.value(); // 1: DYNAMIC_TOPIC_CONFIG
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void aTwoWaySetupDoesNotCopyATopicBackWhereItCameFrom() throws Exception {
        createTopic(a, new NewTopic("left", 1));
        createTopic(b, new NewTopic("right", 1));
        produce(a, "left", 1, 0, 3);
        produce(b, "right", 1, 0, 4);
        Map<String, String> s = settings();
        s.put("b->a.enabled", "true");
        s.put("refresh.topics.interval.seconds", "1");
        mirror = start(s);

        Await.await("both copied", Duration.ofSeconds(60), () -> count(b, "a.left", 1) == 3 && count(a, "b.right", 1) == 4);
        // several topic refreshes later, a.left was not copied back to a, nor b.right to b
        long seen = progress.size();
        Await.await("three more rounds of progress lines", Duration.ofSeconds(30), () -> progress.size() >= seen + 6);
        assertThat(topics(a)).doesNotContain("b.a.left");
        assertThat(topics(b)).doesNotContain("a.b.right");
    }

    @Test
    void theIdentityPolicyKeepsTheNames() throws Exception {
        createTopic(a, new NewTopic("events", 2));
        produce(a, "events", 2, 0, 10);
        Map<String, String> s = settings();
        s.put("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy");
        mirror = start(s);

        Await.await("copied under the same name", Duration.ofSeconds(60), () -> topics(b).contains("events") && count(b, "events", 2) == 10);
        assertThat(read(b, "events", 2).stream().map(MirrorTest::describe).toList())
                .isEqualTo(read(a, "events", 2).stream().map(MirrorTest::describe).toList());
    }

    @Test
    void aStoppedMirrorResumesWhereItStoppedWithoutCopyingAgain() throws Exception {
        createTopic(a, new NewTopic("orders", 3));
        produce(a, "orders", 3, 0, 30);
        mirror = start(settings());
        Await.await("30 copied", Duration.ofSeconds(60), () -> count(b, "a.orders", 3) == 30);
        mirror.close(); // a clean stop commits what it copied
        mirror = null;

        produce(a, "orders", 3, 30, 30);
        mirror = start(settings());
        Await.await("60 copied", Duration.ofSeconds(60), () -> count(b, "a.orders", 3) >= 60);
        Thread.sleep(1000);
        assertThat(read(b, "a.orders", 3).stream().map(MirrorTest::describe).toList())
                .isEqualTo(read(a, "orders", 3).stream().map(MirrorTest::describe).toList());
    }

    @Test
    void aGroupsOffsetsAreCheckpointedAndSyncedToTheTargetWhereItResumesWithoutSkipping() throws Exception {
        createTopic(a, new NewTopic("orders", 3));
        produce(a, "orders", 3, 0, 300);
        // the group consumes on the source and commits part of each partition
        Map<TopicPartition, Long> committed = Map.of(new TopicPartition("orders", 0), 37L,
                new TopicPartition("orders", 1), 100L, new TopicPartition("orders", 2), 0L);
        try (SluiceAdmin admin = admin(a)) {
            admin.alterGroupOffsets("billing", committed).get(30, TimeUnit.SECONDS);
        }
        Map<String, String> s = settings();
        s.put("sync.group.offsets.enabled", "true");
        s.put("offset.lag.max", "10");
        mirror = start(s);

        Map<TopicPartition, Long> onTarget = Await.await("the group's offsets synced to b", Duration.ofSeconds(60), () -> {
            try (SluiceAdmin admin = admin(b)) {
                return admin.listGroupOffsets("billing").get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                return Map.<TopicPartition, Long>of();
            }
        }, m -> m.size() == 3 && committed.entrySet().stream().allMatch(e -> // converged: every sync read
                e.getValue() - m.getOrDefault(new TopicPartition("a.orders", e.getKey().partition()), -100L) <= 10));
        List<ConsumerRecord> source = read(a, "orders", 3);
        List<ConsumerRecord> target = read(b, "a.orders", 3);
        for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
            int p = e.getKey().partition();
            long resume = onTarget.get(new TopicPartition("a.orders", p));
            List<String> notConsumed = source.stream().filter(r -> r.partition() == p && r.offset() >= e.getValue())
                    .map(MirrorTest::describe).toList();
            List<String> readOnTarget = target.stream().filter(r -> r.partition() == p && r.offset() >= resume)
                    .map(MirrorTest::describe).toList();
            assertThat(readOnTarget).containsAll(notConsumed);
            // at most offset.lag.max records read again
            assertThat(readOnTarget.size() - notConsumed.size()).isBetween(0, 10);
        }
        // the checkpoints topic holds the same translation in MirrorMaker 2's layout
        Properties p = new Properties();
        p.put("bootstrap.servers", b.bootstrap());
        Map<TopicPartition, Checkpoint> checkpoints = new HashMap<>();
        try (SluiceConsumer consumer = new SluiceConsumer(p)) {
            TopicPartition tp = new TopicPartition("a.checkpoints.internal", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            ReadToEnd.read(consumer, List.of(tp), r -> {
                Checkpoint c = Checkpoint.decode(r.key(), r.value());
                checkpoints.put(c.remote(), c);
            });
        }
        for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
            Checkpoint c = checkpoints.get(new TopicPartition("a.orders", e.getKey().partition()));
            assertThat(c.group()).isEqualTo("billing");
            assertThat(c.upstream()).isEqualTo(e.getValue());
            assertThat(c.downstream()).isEqualTo(onTarget.get(c.remote()));
        }
    }
}

package dev.sluice.streams;

import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.streams.kstream.WindowedSerdes;
import dev.sluice.streams.serde.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Same input, same output: the word count, windowed counts (tumbling, hopping, session, suppressed) and
 * joins (stream-table inner and left, windowed stream-stream) run in Apache Kafka Streams 4.1 and in
 * Sluice Streams on one broker, on the same input topics; the outputs are compared byte for byte
 * (keys, values, timestamps, and the partition each key went to).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaStreamsParityTest {
    @TempDir
    static Path dir;
    static TestBroker broker;
    static SluiceProducer producer;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
        producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).lingerMs(0).build());
    }

    @AfterAll
    static void stop() {
        producer.close();
        broker.close();
    }

    private static Properties kafkaProps(String app) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("kafka-" + app).toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.String().getClass());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.String().getClass());
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 500);
        return p;
    }

    private static Properties sluiceProps(String app) {
        Properties p = Fixtures.props(broker, dir, app, "at_least_once");
        p.put("commit.interval.ms", "100");
        p.put("default.key.serde", "string");
        p.put("default.value.serde", "string");
        return p;
    }

    /**
     * The internal topics an application created (repartition topics and changelogs), as both compare
     * them: the kind, partition count, cleanup.policy and retention.ms, sorted (their names differ: Kafka
     * Streams names its stores by processor).
     */
    private static List<String> internalTopics(String app) {
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            List<String> names = admin.listTopics().join().stream()
                    .filter(t -> t.startsWith(app + "-") && (t.endsWith("-changelog") || t.endsWith("-repartition"))).toList();
            var partitions = admin.describeTopics(names).join();
            List<ConfigResource> resources = names.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            var configs = admin.describeConfigs(resources).join();
            return resources.stream().map(r -> r.name().substring(r.name().lastIndexOf('-') + 1)
                    + " partitions=" + partitions.get(r.name()).partitions().size()
                    + " cleanup.policy=" + configs.get(r).get("cleanup.policy").value()
                    + " retention.ms=" + configs.get(r).get("retention.ms").value()).sorted().toList();
        }
    }

    /** A record as both compare it: partition, key, value (hex), timestamp. */
    private static String show(ConsumerRecord r) {
        return r.partition() + " " + hex(r.key()) + " " + hex(r.value()) + " @" + r.timestamp();
    }

    private static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }

    /**
     * Reads the topics from the start together until {@code done} holds for what was read (90 s at most,
     * or {@code failOnTimeout} false: whatever came), then until nothing more arrives for a second.
     */
    private static Map<String, List<String>> read(List<String> topics, Predicate<Map<String, List<String>>> done,
                                                  boolean failOnTimeout) {
        Map<String, List<String>> out = new TreeMap<>();
        topics.forEach(t -> out.put(t, new ArrayList<>()));
        try (dev.sluice.client.consumer.SluiceConsumer consumer = new dev.sluice.client.consumer.SluiceConsumer(
                dev.sluice.client.consumer.ConsumerConfig.builder().bootstrapServers(broker.bootstrap())
                        .isolationLevel("read_committed").build());
             SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            List<dev.sluice.api.storage.TopicPartition> tps = new ArrayList<>();
            admin.describeTopics(topics).join().forEach((name, d) -> d.partitions().forEach(
                    p -> tps.add(new dev.sluice.api.storage.TopicPartition(name, p.partition()))));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + (failOnTimeout ? 90 : 30) * 1_000_000_000L;
            long quietSince = System.nanoTime();
            boolean reached = false;
            while (true) {
                boolean any = false;
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
                    out.get(r.topic()).add(show(r));
                    any = true;
                }
                long now = System.nanoTime();
                if (any) {
                    quietSince = now;
                }
                reached |= done.test(out);
                if (reached && now - quietSince > 1_000_000_000L) {
                    return out;
                }
                if (now > deadline) {
                    assertThat(failOnTimeout).as("waited 90 s for %s; read %s", topics, out).isFalse();
                    return out;
                }
            }
        }
    }

    /** Sluice's side: read until as much as Kafka's arrived (at most 30 s: the comparison then shows what differs). */
    private static Map<String, List<String>> readLike(Map<String, List<String>> kafka, String from, String to) {
        List<String> topics = kafka.keySet().stream().map(t -> t.replace(from, to)).toList();
        return read(topics, out -> kafka.entrySet().stream()
                .allMatch(e -> out.get(e.getKey().replace(from, to)).size() >= e.getValue().size()), false);
    }

    /** Sends one record and waits for it, so records reach a partition in call order. */
    private static void send(String topic, Integer partition, String key, String value, long timestamp) {
        producer.send(new ProducerRecord(topic, partition, timestamp, bytes(key), bytes(value), List.of())).join();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void wordCountGivesTheSameUpdatesAsKafkaStreams() throws Exception {
        broker.createTopics(new NewTopic("p-lines", 3), new NewTopic("p-k-counts", 2), new NewTopic("p-s-counts", 2));
        Map<String, Long> expected = new TreeMap<>();
        Fixtures.produce(broker, "p-lines", Fixtures.lines(new Random(11), 300, expected));
        long updates = expected.values().stream().mapToLong(Long::longValue).sum();

        org.apache.kafka.streams.StreamsBuilder kb = new StreamsBuilder();
        kb.<String, String>stream("p-lines")
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((k, w) -> w, Grouped.with(org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.String()))
                .count(Materialized.as("counts"))
                .toStream().to("p-k-counts", Produced.with(org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.Long()));
        List<String> kafka;
        List<String> sluice;
        try (KafkaStreams k = new KafkaStreams(kb.build(), kafkaProps("p-k-wc"));
             SluiceStreams s = new SluiceStreams(WordCount.topology("p-lines", "p-s-counts"), sluiceProps("p-s-wc"))) {
            k.start();
            s.start();
            kafka = read(List.of("p-k-counts"), out -> out.get("p-k-counts").size() >= updates, true).get("p-k-counts");
            sluice = read(List.of("p-s-counts"), out -> out.get("p-s-counts").size() >= updates, true).get("p-s-counts");
        }
        assertThat(kafka).hasSize((int) updates);
        assertThat(internalTopics("p-s-wc")).hasSize(2).isEqualTo(internalTopics("p-k-wc"));
        // per key the same updates in the same order, to the same partition; across keys the interleaving may differ
        assertThat(byKey(sluice)).isEqualTo(byKey(kafka));
    }

    /** Records grouped by (partition, key), in order, without timestamps (those follow input interleaving). */
    private static Map<String, List<String>> byKey(List<String> shown) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String line : shown) {
            String[] f = line.split(" ");
            out.computeIfAbsent(f[0] + " " + f[1], x -> new ArrayList<>()).add(f[2]);
        }
        return out;
    }

    @Test
    void windowedCountsAreTheSameAsKafkaStreamsIncludingLateDropsSessionsAndSuppression() throws Exception {
        broker.createTopics(new NewTopic("w-clicks", 1));
        for (String side : List.of("k", "s")) {
            broker.createTopics(new NewTopic("w-" + side + "-tumbling", 1), new NewTopic("w-" + side + "-final", 1),
                    new NewTopic("w-" + side + "-hopping", 1), new NewTopic("w-" + side + "-sessions", 1));
        }
        Random random = new Random(5);
        long t = 1_000_000;
        for (int i = 0; i < 300; i++) {
            t += random.nextInt(400);
            long ts = random.nextInt(10) == 0 ? t - random.nextInt(15_000) : t; // some out of order, some too late
            send("w-clicks", 0, "user-" + random.nextInt(4), "page-" + i, ts);
        }
        send("w-clicks", 0, "user-0", "flush", t + 60_000); // closes every window

        var kString = org.apache.kafka.common.serialization.Serdes.String();
        var kLong = org.apache.kafka.common.serialization.Serdes.Long();
        org.apache.kafka.streams.StreamsBuilder kb = new StreamsBuilder();
        KGroupedStream<String, String> kg = kb.<String, String>stream("w-clicks", Consumed.with(kString, kString)).groupByKey();
        KTable<org.apache.kafka.streams.kstream.Windowed<String>, Long> kTumbling =
                kg.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2))).count();
        var kTimeSerde = org.apache.kafka.streams.kstream.WindowedSerdes.timeWindowedSerdeFrom(String.class, 10_000);
        kTumbling.toStream().to("w-k-tumbling", Produced.with(kTimeSerde, kLong));
        kTumbling.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream().to("w-k-final", Produced.with(kTimeSerde, kLong));
        kg.windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(3)).advanceBy(Duration.ofSeconds(5)))
                .count().toStream().to("w-k-hopping", Produced.with(kTimeSerde, kLong));
        kg.windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .count().toStream().to("w-k-sessions", Produced.with(
                        org.apache.kafka.streams.kstream.WindowedSerdes.sessionWindowedSerdeFrom(String.class), kLong));

        dev.sluice.streams.StreamsBuilder sb = new dev.sluice.streams.StreamsBuilder();
        var sg = sb.stream("w-clicks", dev.sluice.streams.kstream.Consumed.with(Serdes.string(), Serdes.string())).groupByKey();
        var sTumbling = sg.windowedBy(dev.sluice.streams.kstream.TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10),
                Duration.ofSeconds(2))).count();
        var sTimeSerde = WindowedSerdes.timeWindowed(Serdes.string(), 10_000);
        sTumbling.toStream().to("w-s-tumbling", dev.sluice.streams.kstream.Produced.with(sTimeSerde, Serdes.longs()));
        sTumbling.suppress(dev.sluice.streams.kstream.Suppressed.untilWindowCloses())
                .toStream().to("w-s-final", dev.sluice.streams.kstream.Produced.with(sTimeSerde, Serdes.longs()));
        sg.windowedBy(dev.sluice.streams.kstream.TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(3))
                        .advanceBy(Duration.ofSeconds(5)))
                .count().toStream().to("w-s-hopping", dev.sluice.streams.kstream.Produced.with(sTimeSerde, Serdes.longs()));
        sg.windowedBy(dev.sluice.streams.kstream.SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .count().toStream().to("w-s-sessions", dev.sluice.streams.kstream.Produced.with(
                        WindowedSerdes.sessionWindowed(Serdes.string()), Serdes.longs()));

        Map<String, List<String>> kafka = new TreeMap<>();
        Map<String, List<String>> sluice = new TreeMap<>();
        List<String> outputs = List.of("tumbling", "final", "hopping", "sessions");
        try (KafkaStreams k = new KafkaStreams(kb.build(), kafkaProps("w-k"));
             SluiceStreams s = new SluiceStreams(sb.build(), sluiceProps("w-s"))) {
            k.start();
            s.start();
            Map<String, List<String>> kafkaRead = read(outputs.stream().map(o -> "w-k-" + o).toList(),
                    out -> out.values().stream().noneMatch(List::isEmpty), true);
            Map<String, List<String>> sluiceRead = readLike(kafkaRead, "w-k-", "w-s-");
            outputs.forEach(o -> {
                kafka.put(o, kafkaRead.get("w-k-" + o));
                sluice.put(o, sluiceRead.get("w-s-" + o));
            });
        }
        assertThat(kafka.get("final")).hasSizeGreaterThan(20);
        assertThat(kafka.get("sessions")).anyMatch(r -> r.contains(" null "));
        for (String out : kafka.keySet()) {
            java.nio.file.Files.write(Path.of("target", "parity-kafka-" + out + ".txt"), kafka.get(out));
            java.nio.file.Files.write(Path.of("target", "parity-sluice-" + out + ".txt"), sluice.get(out));
        }
        for (String out : kafka.keySet()) {
            assertThat(sluice.get(out)).as(out).isEqualTo(kafka.get(out));
        }
        // windowed changelogs compact,delete with the window's retention + 1 day; the suppression buffer's compacted
        assertThat(internalTopics("w-s")).hasSize(4).isEqualTo(internalTopics("w-k"));
    }

    @Test
    void joinsGiveTheSameResultsAsKafkaStreams() throws Exception {
        broker.createTopics(new NewTopic("j-users", 2), new NewTopic("j-clicks", 2), new NewTopic("j-views", 2));
        for (String side : List.of("k", "s")) {
            broker.createTopics(new NewTopic("j-" + side + "-enriched", 2), new NewTopic("j-" + side + "-left", 2),
                    new NewTopic("j-" + side + "-pairs", 2));
        }
        for (int u = 0; u < 8; u++) {
            send("j-users", null, "user-" + u, "region-" + (u % 3), 1_000);
        }
        var kString = org.apache.kafka.common.serialization.Serdes.String();
        org.apache.kafka.streams.StreamsBuilder kb = new StreamsBuilder();
        KTable<String, String> kUsers = kb.table("j-users", Consumed.with(kString, kString), Materialized.as("users"));
        KStream<String, String> kClicks = kb.stream("j-clicks", Consumed.with(kString, kString));
        kClicks.join(kUsers, (c, r) -> c + "@" + r).to("j-k-enriched");
        kClicks.leftJoin(kUsers, (c, r) -> c + "@" + r).to("j-k-left");
        kClicks.join(kb.stream("j-views", Consumed.with(kString, kString)), (c, v) -> c + "+" + v,
                JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(2), Duration.ofHours(1)),
                StreamJoined.with(kString, kString, kString)).to("j-k-pairs");

        dev.sluice.streams.StreamsBuilder sb = new dev.sluice.streams.StreamsBuilder();
        var sUsers = sb.table("j-users", dev.sluice.streams.kstream.Consumed.with(Serdes.string(), Serdes.string()),
                dev.sluice.streams.kstream.Materialized.as("users"));
        var sClicks = sb.stream("j-clicks", dev.sluice.streams.kstream.Consumed.with(Serdes.string(), Serdes.string()));
        sClicks.join(sUsers, (c, r) -> c + "@" + r).to("j-s-enriched");
        sClicks.leftJoin(sUsers, (c, r) -> c + "@" + r).to("j-s-left");
        sClicks.join(sb.stream("j-views", dev.sluice.streams.kstream.Consumed.with(Serdes.string(), Serdes.string())),
                (c, v) -> c + "+" + v,
                dev.sluice.streams.kstream.JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(2), Duration.ofHours(1)),
                dev.sluice.streams.kstream.StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string())).to("j-s-pairs");

        Map<String, List<String>> kafka = new TreeMap<>();
        Map<String, List<String>> sluice = new TreeMap<>();
        try (KafkaStreams k = new KafkaStreams(kb.build(), kafkaProps("j-k"));
             SluiceStreams s = new SluiceStreams(sb.build(), sluiceProps("j-s"))) {
            k.start();
            s.start();
            try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
                for (String app : List.of("j-k", "j-s")) { // both have the whole table before the first click
                    Fixtures.await(app + " read the users", () -> admin.listGroupOffsets(app).join().entrySet().stream()
                            .filter(e -> e.getKey().topic().equals("j-users")).mapToLong(Map.Entry::getValue).sum() == 8);
                }
            }
            Random random = new Random(9);
            int clicks = 0;
            for (int i = 0; i < 60; i++) {
                String user = "user-" + random.nextInt(10); // users 8 and 9 have no region
                send("j-clicks", null, user, "click-" + i, 5_000 + random.nextInt(4_000));
                clicks++;
                if (random.nextBoolean()) {
                    send("j-views", null, user, "view-" + i, 5_000 + random.nextInt(4_000));
                }
            }
            int total = clicks;
            List<String> outputs = List.of("left", "enriched", "pairs");
            Map<String, List<String>> kafkaRead = read(outputs.stream().map(o -> "j-k-" + o).toList(),
                    out -> out.values().stream().noneMatch(List::isEmpty) && out.get("j-k-left").size() >= total, true);
            Map<String, List<String>> sluiceRead = readLike(kafkaRead, "j-k-", "j-s-");
            outputs.forEach(o -> {
                kafka.put(o, kafkaRead.get("j-k-" + o));
                sluice.put(o, sluiceRead.get("j-s-" + o));
            });
        }
        assertThat(kafka.get("left")).hasSize(60).anyMatch(r -> r.contains(hex(bytes("@null"))));
        assertThat(kafka.get("pairs")).isNotEmpty();
        // stream-table: per key in input order; stream-stream: the same pairs (their order follows processing order)
        assertThat(byKey(sluice.get("enriched"))).isEqualTo(byKey(kafka.get("enriched")));
        assertThat(byKey(sluice.get("left"))).isEqualTo(byKey(kafka.get("left")));
        assertThat(sluice.get("pairs")).containsExactlyInAnyOrderElementsOf(kafka.get("pairs"));
        // the table's changelog compacted; each side's join buffer deleted after before + after + grace + 1 day
        assertThat(internalTopics("j-s")).hasSize(3).isEqualTo(internalTopics("j-k"));
    }
}

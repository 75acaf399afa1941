package dev.sluice.streams;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.kstream.Repartitioned;
import dev.sluice.streams.serde.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime against a real in-process broker: groups, internal topics, commits, restoration, exactly-once. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StreamsRuntimeTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static Properties props(String app, String guarantee) {
        return Fixtures.props(broker, dir, app, guarantee);
    }

    static List<String> lines(Random random, int n, Map<String, Long> expected) {
        return Fixtures.lines(random, n, expected);
    }

    static void produce(String topic, List<String> lines) {
        Fixtures.produce(broker, topic, lines);
    }

    static Map<String, Long> lastPerKey(List<ConsumerRecord> records) {
        return Fixtures.lastPerKey(records);
    }

    static Map<String, List<Long>> updatesPerKey(List<ConsumerRecord> records) {
        return Fixtures.updatesPerKey(records);
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Fixtures.await(what, condition);
    }

    @Test
    void wordCountAtLeastOnceCreatesItsInternalTopicsAndCountsExactly() throws Exception {
        broker.createTopics(new NewTopic("alos-lines", 3), new NewTopic("alos-counts", 2));
        Map<String, Long> expected = new TreeMap<>();
        produce("alos-lines", lines(new Random(1), 200, expected));
        try (SluiceStreams streams = new SluiceStreams(WordCount.topology("alos-lines", "alos-counts"),
                props("alos", "at_least_once"));
             TopicReader reader = new TopicReader(broker.bootstrap(), "alos-counts")) {
            streams.start();
            reader.readUntil(r -> lastPerKey(r).equals(expected), 60);
            assertThat(streams.state()).isEqualTo(SluiceStreams.State.RUNNING);
            assertThat(streams.activeTasks()).hasSize(6); // two sub-topologies, three partitions each
        }
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            assertThat(admin.describeTopics(List.of("alos-counts-repartition", "alos-counts-changelog")).join().values())
                    .allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
            ConfigResource changelog = new ConfigResource(ConfigResource.Type.TOPIC, "alos-counts-changelog");
            assertThat(admin.describeConfigs(List.of(changelog)).join().get(changelog).get("cleanup.policy").value())
                    .isEqualTo("compact");
            // closing committed every processed input record
            Map<TopicPartition, Long> committed = admin.listGroupOffsets("alos").join();
            assertThat(committed.entrySet().stream().filter(e -> e.getKey().topic().equals("alos-lines"))
                    .mapToLong(Map.Entry::getValue).sum()).isEqualTo(200);
        }
    }

    @Test
    void twoInstancesShareTheTasksAndTheOneLeftTakesAllOverWithItsState() throws Exception {
        broker.createTopics(new NewTopic("share-lines", 3), new NewTopic("share-counts", 2));
        Map<String, Long> expected = new TreeMap<>();
        Random random = new Random(2);
        List<String> first = lines(random, 150, expected);
        Map<String, Long> afterFirst = new TreeMap<>(expected);
        List<String> second = lines(random, 150, expected);
        try (SluiceStreams a = new SluiceStreams(WordCount.topology("share-lines", "share-counts"), props("share", "at_least_once"));
             SluiceStreams b = new SluiceStreams(WordCount.topology("share-lines", "share-counts"), props("share", "at_least_once"));
             TopicReader reader = new TopicReader(broker.bootstrap(), "share-counts")) {
            a.start();
            await("a runs all six tasks", () -> a.activeTasks().size() == 6);
            b.start();
            await("the tasks split between a and b", () -> !a.activeTasks().isEmpty() && !b.activeTasks().isEmpty()
                    && a.activeTasks().size() + b.activeTasks().size() == 6);
            produce("share-lines", first);
            reader.readUntil(r -> lastPerKey(r).equals(afterFirst), 60);
            b.close(Duration.ofSeconds(30));
            await("a runs all six tasks again", () -> a.activeTasks().size() == 6);
            produce("share-lines", second);
            reader.readUntil(r -> lastPerKey(r).equals(expected), 60);
        }
    }

    @Test
    void exactlyOnceOnLmdbResumesFromTheCheckpointAfterARestart() throws Exception {
        broker.createTopics(new NewTopic("eos-lines", 2), new NewTopic("eos-counts", 2));
        Map<String, Long> expected = new TreeMap<>();
        Random random = new Random(3);
        List<String> first = lines(random, 100, expected);
        Map<String, Long> afterFirst = new TreeMap<>(expected);
        List<String> second = lines(random, 100, expected);
        Properties p = props("eos", "exactly_once_v2");
        p.put("default.dsl.store", "lmdb");
        try (TopicReader reader = new TopicReader(broker.bootstrap(), "eos-counts")) {
            produce("eos-lines", first);
            try (SluiceStreams one = new SluiceStreams(WordCount.topology("eos-lines", "eos-counts"), p)) {
                one.start();
                reader.readUntil(r -> lastPerKey(r).equals(afterFirst), 60);
            }
            Path checkpoint = Path.of(p.getProperty("state.dir")).resolve("eos").resolve("1_0").resolve(".checkpoint");
            assertThat(checkpoint).exists();
            produce("eos-lines", second);
            try (SluiceStreams two = new SluiceStreams(WordCount.topology("eos-lines", "eos-counts"), p)) {
                two.start();
                List<ConsumerRecord> all = reader.readUntil(r -> lastPerKey(r).equals(expected), 60);
                assertThat(reader.drain(500)).hasSameSizeAs(all);
            }
            // read_committed, every word's updates are exactly 1, 2, ..., its count
            updatesPerKey(reader.drain(0)).forEach((word, counts) ->
                    assertThat(counts).as(word).isEqualTo(java.util.stream.LongStream.rangeClosed(1, expected.get(word)).boxed().toList()));
        }
    }

    @Test
    void anExplicitRepartitionGetsTheTopicItNamesWithThePartitionsAskedAndNoOtherOne() throws Exception {
        broker.createTopics(new NewTopic("rp-views", 2), new NewTopic("rp-counts", 1));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("rp-views", Consumed.with(Serdes.string(), Serdes.string()))
                .flatMapValues(line -> List.of(line.split(" ")))
                .selectKey((k, page) -> page)
                .repartition(new Repartitioned<>("by-page", Serdes.string(), Serdes.string(), 5))
                .groupByKey() // keyed by the repartition: no second repartition topic
                .count(Materialized.as("per-page"))
                .toStream().to("rp-counts", Produced.with(Serdes.string(), Serdes.longs()));
        Topology topology = builder.build();
        assertThat(topology.describe().subtopologies()).isEqualTo(2);
        Map<String, Long> expected = new TreeMap<>();
        produce("rp-views", lines(new Random(4), 100, expected));
        try (SluiceStreams streams = new SluiceStreams(topology, props("rp", "at_least_once"));
             TopicReader reader = new TopicReader(broker.bootstrap(), "rp-counts")) {
            streams.start();
            reader.readUntil(r -> lastPerKey(r).equals(expected), 60);
            assertThat(streams.activeTasks()).hasSize(2 + 5); // the input's two partitions, then the repartition's five
        }
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            assertThat(admin.describeTopics(List.of("rp-by-page-repartition", "rp-per-page-changelog")).join().values())
                    .allSatisfy(d -> assertThat(d.partitions()).hasSize(5));
            assertThat(admin.listTopics().join()).filteredOn(t -> t.startsWith("rp-") && t.endsWith("-repartition"))
                    .containsExactly("rp-by-page-repartition");
        }
    }

    @Test
    void joiningTopicsWithDifferentPartitionCountsFailsAtStart() throws Exception {
        broker.createTopics(new NewTopic("cp-stream", 2), new NewTopic("cp-table", 3));
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> table = builder.table("cp-table", Consumed.with(Serdes.string(), Serdes.string()),
                Materialized.as("cp-store"));
        builder.stream("cp-stream", Consumed.with(Serdes.string(), Serdes.string())).join(table, (a, b) -> a + b).to("cp-out");
        try (SluiceStreams streams = new SluiceStreams(builder.build(), props("cp", "at_least_once"))) {
            streams.start();
            await("the instance fails", () -> streams.state() == SluiceStreams.State.ERROR);
            assertThat(streams.failure()).get().asString().contains("not co-partitioned", "cp-stream", "cp-table");
        }
    }
}

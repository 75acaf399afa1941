package dev.sluice.streams;

import dev.sluice.streams.kstream.Branched;
import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.Grouped;
import dev.sluice.streams.kstream.KStream;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.serde.Serdes;
import dev.sluice.streams.state.KeyValueStore;
import dev.sluice.streams.test.TestInputTopic;
import dev.sluice.streams.test.TestOutputTopic;
import dev.sluice.streams.test.TestRecord;
import dev.sluice.streams.test.TopologyTestDriver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stateless and aggregating DSL operations, run on the test driver. */
class DslTest {
    static Properties props() {
        Properties p = new Properties();
        p.put("application.id", "dsl");
        p.put("default.key.serde", "string");
        p.put("default.value.serde", "string");
        return p;
    }

    static Topology wordCount() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("lines", Consumed.with(Serdes.string(), Serdes.string()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((k, word) -> word, Grouped.with(Serdes.string(), Serdes.string()))
                .count(Materialized.as("counts"))
                .toStream().to("word-counts", Produced.with(Serdes.string(), Serdes.longs()));
        return builder.build();
    }

    @Test
    void wordCountEmitsEveryUpdateThroughTheRepartitionTopicAndKeepsTheCountsInItsStore() {
        try (TopologyTestDriver driver = new TopologyTestDriver(wordCount(), props())) {
            TestInputTopic<String, String> in = driver.createInputTopic("lines", Serdes.string(), Serdes.string());
            TestOutputTopic<String, Long> out = driver.createOutputTopic("word-counts", Serdes.string(), Serdes.longs());
            in.pipeInput("l1", "a b A", 10);
            in.pipeInput("l2", "b c", 20);
            assertThat(out.readRecordsToList()).containsExactly(
                    new TestRecord<>("a", 1L, 10, List.of()), new TestRecord<>("b", 1L, 10, List.of()),
                    new TestRecord<>("a", 2L, 10, List.of()), new TestRecord<>("b", 2L, 20, List.of()),
                    new TestRecord<>("c", 1L, 20, List.of()));
            KeyValueStore<String, Long> counts = driver.getKeyValueStore("counts");
            assertThat(counts.get("a")).isEqualTo(2L);
            assertThat(counts.get("zzz")).isNull();
            assertThat(counts.all()).hasSize(3);
            // every store change went to the store's changelog, at the record's timestamp
            TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic("dsl-counts-changelog", Serdes.string(), Serdes.bytes());
            assertThat(changelog.readKeyValuesToList()).extracting(KeyValue::key).containsExactly("a", "b", "a", "b", "c");
            // the repartition topic is internal: read back, not output
            assertThat(driver.createOutputTopic("dsl-counts-repartition", Serdes.string(), Serdes.string()).isEmpty()).isTrue();
        }
    }

    @Test
    void describeListsSubtopologiesWithTheirSourcesStoresAndSinks() {
        Topology.Description d = wordCount().describe();
        assertThat(d.subtopologies()).isEqualTo(2);
        assertThat(d.toString())
                .contains("Sub-topology: 0", "Source: KSTREAM-SOURCE-0000000000 (topics: [lines])",
                        "Sink: counts-repartition-sink (topic: counts-repartition)", "Sub-topology: 1",
                        "Source: counts-repartition-source (topics: [counts-repartition])",
                        "(stores: [counts])", "(topic: word-counts)", "--> KSTREAM-FLATMAPVALUES-0000000001",
                        "<-- KSTREAM-SOURCE-0000000000");
    }

    @Test
    void statelessOperationsTransformInOrder() {
        StreamsBuilder builder = new StreamsBuilder();
        List<String> peeked = new ArrayList<>();
        KStream<String, String> in = builder.stream("in");
        in.filter((k, v) -> !v.isEmpty())
                .filterNot((k, v) -> v.startsWith("#"))
                .peek((k, v) -> peeked.add(v))
                .mapValues(v -> v.toUpperCase(Locale.ROOT))
                .map((k, v) -> KeyValue.pair(v, k))
                .selectKey((k, v) -> k + "!")
                .flatMap((k, v) -> List.of(KeyValue.pair(k, v), KeyValue.pair(k, v + v)))
                .to("out");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            TestInputTopic<String, String> input = driver.createInputTopic("in", Serdes.string(), Serdes.string());
            input.pipeInput("k1", "x");
            input.pipeInput("k2", "");
            input.pipeInput("k3", "#comment");
            input.pipeInput("k4", "y");
            assertThat(peeked).containsExactly("x", "y");
            assertThat(driver.createOutputTopic("out", Serdes.string(), Serdes.string()).readKeyValuesToList()).containsExactly(
                    KeyValue.pair("X!", "k1"), KeyValue.pair("X!", "k1k1"), KeyValue.pair("Y!", "k4"), KeyValue.pair("Y!", "k4k4"));
        }
    }

    @Test
    void splitSendsEachRecordToTheFirstMatchingBranchAndMergeJoinsStreams() {
        StreamsBuilder builder = new StreamsBuilder();
        Map<String, KStream<String, String>> branches = builder.<String, String>stream("in").split("b-")
                .branch((k, v) -> v.startsWith("a"), Branched.as("a"))
                .branch((k, v) -> v.startsWith("ab"))
                .defaultBranch();
        assertThat(branches).containsOnlyKeys("b-a", "b-2", "b-0");
        branches.get("b-a").to("as");
        branches.get("b-2").to("never");
        branches.get("b-0").mapValues(v -> "other:" + v).merge(branches.get("b-a")).to("merged");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.string(), Serdes.string());
            for (String v : List.of("abc", "x", "a", "y")) {
                in.pipeInput("k", v);
            }
            assertThat(driver.createOutputTopic("as", Serdes.string(), Serdes.string()).readValuesToList()).containsExactly("abc", "a");
            assertThat(driver.createOutputTopic("never", Serdes.string(), Serdes.string()).isEmpty()).isTrue();
            assertThat(driver.createOutputTopic("merged", Serdes.string(), Serdes.string()).readValuesToList())
                    .containsExactly("abc", "other:x", "a", "other:y");
        }
    }

    @Test
    void toATopicChosenPerRecord() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>stream("in").to((k, v, source) -> "out-" + k + "-from-" + source.topic());
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.string(), Serdes.string());
            in.pipeInput("x", "1");
            in.pipeInput("y", "2");
            in.pipeInput("x", "3");
            assertThat(driver.createOutputTopic("out-x-from-in", Serdes.string(), Serdes.string()).readValuesToList())
                    .containsExactly("1", "3");
            assertThat(driver.createOutputTopic("out-y-from-in", Serdes.string(), Serdes.string()).readValuesToList())
                    .containsExactly("2");
        }
    }

    @Test
    void reduceAndAggregateKeepTheLatestTimestampAndDropNullKeys() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Integer> in = builder.stream("in", Consumed.with(Serdes.string(), Serdes.integer()));
        in.groupByKey().reduce(Integer::sum, Materialized.<String, Integer>as("sums").withValueSerde(Serdes.integer()))
                .toStream().to("sums", Produced.with(Serdes.string(), Serdes.integer()));
        in.groupByKey(Grouped.with(Serdes.string(), Serdes.integer()))
                .aggregate(() -> "", (k, v, agg) -> agg + v, Materialized.<String, String>as("concat").withValueSerde(Serdes.string()))
                .toStream().to("concat", Produced.with(Serdes.string(), Serdes.string()));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            TestInputTopic<String, Integer> input = driver.createInputTopic("in", Serdes.string(), Serdes.integer());
            input.pipeInput("a", 1, 100);
            input.pipeInput(null, 5, 150);
            input.pipeInput("a", 2, 50);
            input.pipeInput("b", 3, 70);
            assertThat(driver.createOutputTopic("sums", Serdes.string(), Serdes.integer()).readRecordsToList()).containsExactly(
                    new TestRecord<>("a", 1, 100, List.of()), new TestRecord<>("a", 3, 100, List.of()),
                    new TestRecord<>("b", 3, 70, List.of()));
            assertThat(driver.createOutputTopic("concat", Serdes.string(), Serdes.string()).readKeyValuesToMap())
                    .isEqualTo(Map.of("a", "12", "b", "3"));
        }
    }

    @Test
    void aStreamJoinsTheTablesCurrentValue() {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> users = builder.table("users", Consumed.with(Serdes.string(), Serdes.string()),
                Materialized.as("users-store"));
        KStream<String, String> clicks = builder.stream("clicks");
        clicks.join(users, (click, region) -> click + "@" + region).to("joined");
        clicks.leftJoin(users, (click, region) -> click + "@" + region).to("left-joined");
        Topology topology = builder.build();
        assertThat(topology.describe().subtopologies()).isEqualTo(1);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props())) {
            TestInputTopic<String, String> u = driver.createInputTopic("users", Serdes.string(), Serdes.string());
            TestInputTopic<String, String> c = driver.createInputTopic("clicks", Serdes.string(), Serdes.string());
            c.pipeInput("alice", "p1");
            u.pipeInput("alice", "eu");
            c.pipeInput("alice", "p2");
            u.pipeInput("alice", "us");
            c.pipeInput("alice", "p3");
            u.pipeInput("alice", null);
            c.pipeInput("alice", "p4");
            assertThat(driver.createOutputTopic("joined", Serdes.string(), Serdes.string()).readValuesToList())
                    .containsExactly("p2@eu", "p3@us");
            assertThat(driver.createOutputTopic("left-joined", Serdes.string(), Serdes.string()).readValuesToList())
                    .containsExactly("p1@null", "p2@eu", "p3@us", "p4@null");
            assertThat(driver.<String, String>getKeyValueStore("users-store").get("alice")).isNull();
        }
    }

    @Test
    void aTableDerivedByFilterCannotBeJoinedWithoutAStore() {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> t = builder.<String, String>table("t").filter((k, v) -> true);
        assertThatThrownBy(() -> builder.<String, String>stream("s").join(t, (a, b) -> a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("materialized");
    }

    @Test
    void tableFilterAndMapValuesForwardChangesDeletingRowsThatStopMatching() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>table("t").filter((k, v) -> v.length() > 1).mapValues(v -> v + "!").toStream().to("out");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            TestInputTopic<String, String> t = driver.createInputTopic("t", Serdes.string(), Serdes.string());
            t.pipeInput("k", "a");
            t.pipeInput("k", "bb");
            t.pipeInput("k", "c");
            assertThat(driver.createOutputTopic("out", Serdes.string(), Serdes.string()).readKeyValuesToList())
                    .containsExactly(KeyValue.pair("k", "bb!"), KeyValue.pair("k", null));
        }
    }

    @Test
    void aProcessorReachesOnlyTheStoresItIsConnectedTo() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Materialized.<String, Long>as("seen").withKeySerde(Serdes.string()).withValueSerde(Serdes.longs()));
        builder.<String, String>stream("in").process(() -> new dev.sluice.streams.processor.Processor<String, String, String, Long>() {
            private dev.sluice.streams.processor.ProcessorContext<String, Long> context;
            private KeyValueStore<String, Long> seen;

            @Override
            public void init(dev.sluice.streams.processor.ProcessorContext<String, Long> context) {
                this.context = context;
                this.seen = context.getStateStore("seen");
            }

            @Override
            public void process(dev.sluice.streams.processor.Record<String, String> r) {
                long n = seen.get(r.key()) == null ? 1 : seen.get(r.key()) + 1;
                seen.put(r.key(), n);
                context.forward(r.withValue(n));
            }
        }, "seen").to("out", Produced.with(Serdes.string(), Serdes.longs()));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.string(), Serdes.string());
            in.pipeInput("a", "x");
            in.pipeInput("a", "y");
            assertThat(driver.createOutputTopic("out", Serdes.string(), Serdes.longs()).readValuesToList()).containsExactly(1L, 2L);
        }
    }

    @Test
    void pipingIntoATopicTheTopologyDoesNotReadIsRefused() {
        try (TopologyTestDriver driver = new TopologyTestDriver(wordCount(), props())) {
            assertThatThrownBy(() -> driver.createInputTopic("nope", Serdes.string(), Serdes.string()).pipeInput("v"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lines");
        }
    }

    @Test
    void aTopicIsReadByOneSourceOnly() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in");
        assertThatThrownBy(() -> builder.stream("in")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already read");
    }

    @Test
    void aBadConfigKeyIsReportedWithTheClosestName() {
        Properties p = props();
        p.put("aplication.id", "x");
        assertThatThrownBy(() -> StreamsConfig.from(p)).hasMessageContaining("application.id");
    }
}

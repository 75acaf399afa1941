package dev.sluice.streams;

import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.JoinWindows;
import dev.sluice.streams.kstream.KStream;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.kstream.SessionWindows;
import dev.sluice.streams.kstream.StreamJoined;
import dev.sluice.streams.kstream.Suppressed;
import dev.sluice.streams.kstream.TimeWindows;
import dev.sluice.streams.kstream.Window;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.kstream.WindowedSerdes;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.Serdes;
import dev.sluice.streams.state.StoreType;
import dev.sluice.streams.state.WindowStore;
import dev.sluice.streams.test.TestInputTopic;
import dev.sluice.streams.test.TestRecord;
import dev.sluice.streams.test.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Tumbling, hopping and session windows, suppression, and the windowed stream-stream join on the test driver. */
class WindowsTest {
    private static final Serde<String> S = Serdes.string();

    private static TopologyTestDriver driver(StreamsBuilder builder) {
        return new TopologyTestDriver(builder.build(), DslTest.props());
    }

    private static List<String> windowed(TopologyTestDriver driver, String topic, Serde<Windowed<String>> keySerde) {
        return driver.createOutputTopic(topic, keySerde, Serdes.longs()).readRecordsToList().stream()
                .map(r -> r.key().key() + "@" + r.key().window().start() + "-" + r.key().window().end() + "=" + r.value()
                        + "/" + r.timestamp())
                .toList();
    }

    @Test
    void tumblingWindowsCountPerWindowAndDropRecordsAfterTheGrace() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("clicks", Consumed.with(S, S)).groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)))
                .count(Materialized.<String, Long>as("per-10").withRetention(Duration.ofHours(1)))
                .toStream().to("counts", Produced.with(WindowedSerdes.timeWindowed(S, 10), Serdes.longs()));
        try (TopologyTestDriver driver = driver(builder)) {
            TestInputTopic<String, String> in = driver.createInputTopic("clicks", S, S);
            in.pipeInput("u", "x", 1);
            in.pipeInput("u", "x", 9);
            in.pipeInput("u", "x", 12);
            in.pipeInput("u", "x", 7);  // window [0,10) still open: stream time 12 < 10 + 5
            in.pipeInput("u", "x", 15); // closes [0,10)
            in.pipeInput("u", "x", 3);  // late: dropped
            assertThat(windowed(driver, "counts", WindowedSerdes.timeWindowed(S, 10))).containsExactly(
                    "u@0-10=1/1", "u@0-10=2/9", "u@10-20=1/12", "u@0-10=3/9", "u@10-20=2/15");
            WindowStore<String, Long> store = driver.getWindowStore("per-10");
            assertThat(store.fetch("u", 0)).isEqualTo(3L);
            assertThat(store.fetch("u", 0, 100)).containsExactly(KeyValue.pair(0L, 3L), KeyValue.pair(10L, 2L));
        }
    }

    @Test
    void expiredWindowsLeaveTheStoreAndTheirChangelogGetsTombstones(@TempDir Path stateDir) {
        for (StoreType type : StoreType.values()) {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("clicks", Consumed.with(S, S)).groupByKey()
                    .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10))) // retention: 10 ms
                    .count(Materialized.<String, Long>as("exp").withStoreType(type));
            Properties p = DslTest.props();
            p.put("state.dir", stateDir.resolve(type.name()).toString());
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
                TestInputTopic<String, String> in = driver.createInputTopic("clicks", S, S);
                in.pipeInput("u", "x", 1);
                in.pipeInput("u", "x", 25); // stream time 25: windows starting before 16 are past retention
                WindowStore<String, Long> store = driver.getWindowStore("exp");
                assertThat(store.all()).as("%s", type).extracting(kv -> kv.key().window().start()).containsExactly(20L);
                List<TestRecord<byte[], byte[]>> changelog = driver.createOutputTopic("dsl-exp-changelog", Serdes.bytes(),
                        Serdes.bytes()).readRecordsToList();
                assertThat(changelog).as("%s", type).hasSize(3);
                assertThat(changelog.get(2).key()).isEqualTo(changelog.get(0).key()); // window [0, 10) ...
                assertThat(changelog.get(2).value()).isNull(); // ... deleted, at the record's timestamp
                assertThat(changelog.get(2).timestamp()).isEqualTo(25);
            }
        }
    }

    @Test
    void hoppingWindowsCountARecordInEveryWindowContainingIt() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("clicks", Consumed.with(S, S)).groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10)).advanceBy(Duration.ofMillis(5)))
                .count()
                .toStream().to("counts", Produced.with(WindowedSerdes.timeWindowed(S, 10), Serdes.longs()));
        try (TopologyTestDriver driver = driver(builder)) {
            TestInputTopic<String, String> in = driver.createInputTopic("clicks", S, S);
            in.pipeInput("u", "x", 3);
            in.pipeInput("u", "x", 7);
            assertThat(windowed(driver, "counts", WindowedSerdes.timeWindowed(S, 10))).containsExactly(
                    "u@0-10=1/3", "u@0-10=2/7", "u@5-15=1/7");
        }
    }

    @Test
    void sessionsMergeWhenARecordBridgesThemAndTheMergedOnesAreDeleted() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("clicks", Consumed.with(S, S)).groupByKey()
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(20)))
                .count()
                .toStream().to("sessions", Produced.with(WindowedSerdes.sessionWindowed(S), Serdes.longs()));
        try (TopologyTestDriver driver = driver(builder)) {
            TestInputTopic<String, String> in = driver.createInputTopic("clicks", S, S);
            in.pipeInput("u", "x", 0);
            in.pipeInput("u", "x", 10);
            in.pipeInput("u", "x", 5); // bridges [0,0] and [10,10]
            List<TestRecord<Windowed<String>, Long>> out = driver.createOutputTopic("sessions",
                    WindowedSerdes.sessionWindowed(S), Serdes.longs()).readRecordsToList();
            assertThat(out).extracting(r -> r.key().window(), TestRecord::value).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(new Window(0, 0), 1L),
                    org.assertj.core.groups.Tuple.tuple(new Window(10, 10), 1L),
                    org.assertj.core.groups.Tuple.tuple(new Window(0, 0), null),
                    org.assertj.core.groups.Tuple.tuple(new Window(10, 10), null),
                    org.assertj.core.groups.Tuple.tuple(new Window(0, 10), 3L));
        }
    }

    @Test
    void suppressionEmitsOnlyEachWindowsFinalCountOnceTheWindowCloses() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("clicks", Consumed.with(S, S)).groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(2)))
                .count()
                .suppress(Suppressed.untilWindowCloses())
                .toStream().to("final", Produced.with(WindowedSerdes.timeWindowed(S, 10), Serdes.longs()));
        try (TopologyTestDriver driver = driver(builder)) {
            TestInputTopic<String, String> in = driver.createInputTopic("clicks", S, S);
            in.pipeInput("u", "x", 1);
            in.pipeInput("v", "x", 2);
            in.pipeInput("u", "x", 9);
            in.pipeInput("u", "x", 11); // stream time 11 < 10 + 2: nothing final yet
            assertThat(driver.createOutputTopic("final", S, Serdes.longs()).isEmpty()).isTrue();
            in.pipeInput("v", "x", 12); // closes [0,10)
            in.pipeInput("u", "x", 40); // closes [10,20)
            assertThat(windowed(driver, "final", WindowedSerdes.timeWindowed(S, 10))).containsExactly(
                    "u@0-10=2/9", "v@0-10=1/2", "u@10-20=1/11", "v@10-20=1/12");
        }
    }

    @Test
    void aWindowedStreamStreamJoinPairsRecordsCloseInTime() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> left = builder.stream("left", Consumed.with(S, S));
        KStream<String, String> right = builder.stream("right", Consumed.with(S, S));
        left.join(right, (l, r) -> l + "+" + r, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(10)),
                StreamJoined.with(S, S, S)).to("joined", Produced.with(S, S));
        Topology topology = builder.build();
        assertThat(topology.describe().subtopologies()).isEqualTo(1);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, DslTest.props())) {
            TestInputTopic<String, String> l = driver.createInputTopic("left", S, S);
            TestInputTopic<String, String> r = driver.createInputTopic("right", S, S);
            l.pipeInput("k", "l1", 100);
            r.pipeInput("k", "r1", 105);  // within 10 of l1
            r.pipeInput("x", "rx", 105);  // other key
            l.pipeInput("k", "l2", 120);  // 15 after r1: no pair
            r.pipeInput("k", "r2", 111);  // within 10 of l2 (120) only
            assertThat(driver.createOutputTopic("joined", S, S).readRecordsToList()).extracting(TestRecord::value, TestRecord::timestamp)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("l1+r1", 105L), org.assertj.core.groups.Tuple.tuple("l2+r2", 120L));
        }
    }
}

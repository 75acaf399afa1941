package dev.sluice.streams;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.OffsetSpec;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.serde.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** num.standby.replicas=1: each instance keeps warm copies of the other's stateful tasks and takes them over without restoring. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StandbyReplicasTest {
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

    private static long changelogEnds(Set<TaskId> tasks) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        tasks.forEach(t -> specs.put(new TopicPartition("sb-counts-changelog", t.partition()), OffsetSpec.latest()));
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            return admin.listOffsets(specs).join().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    @Test
    void aStandbyFollowsTheChangelogAndTakesOverWarm() throws Exception {
        broker.createTopics(new NewTopic("sb-lines", 2), new NewTopic("sb-out", 1));
        Map<String, Long> expected = new TreeMap<>();
        Random random = new Random(8);
        List<String> first = Fixtures.lines(random, 200, expected);
        Map<String, Long> afterFirst = new TreeMap<>(expected);
        List<String> second = Fixtures.lines(random, 100, expected);
        Properties pa = Fixtures.props(broker, dir, "sb", "at_least_once");
        pa.put("num.standby.replicas", "1");
        pa.put("application.server", "a:1");
        Properties pb = Fixtures.props(broker, dir, "sb", "at_least_once");
        pb.put("num.standby.replicas", "1");
        pb.put("application.server", "b:2");
        try (SluiceStreams a = new SluiceStreams(WordCount.topology("sb-lines", "sb-out"), pa);
             SluiceStreams b = new SluiceStreams(WordCount.topology("sb-lines", "sb-out"), pb);
             TopicReader reader = new TopicReader(broker.bootstrap(), "sb-out")) {
            a.start();
            b.start();
            Fixtures.await("both run tasks", () -> !a.activeTasks().isEmpty() && !b.activeTasks().isEmpty()
                    && a.activeTasks().size() + b.activeTasks().size() == 4);
            Fixtures.produce(broker, "sb-lines", first);
            reader.readUntil(r -> Fixtures.lastPerKey(r).equals(afterFirst), 60);
            // b keeps a standby of a's counting task (sub-topology 1) and the other way round
            Set<TaskId> aStateful = a.activeTasks().stream().filter(t -> t.subtopology() == 1).collect(Collectors.toSet());
            Fixtures.await("b's standbys are a's stateful tasks", () -> b.standbyTasks().equals(aStateful));
            Fixtures.await("a's standbys are b's stateful tasks", () -> a.standbyTasks().equals(
                    b.activeTasks().stream().filter(t -> t.subtopology() == 1).collect(Collectors.toSet())));
            long aChangelog = changelogEnds(aStateful);
            assertThat(aChangelog).isPositive();
            Fixtures.await("b's standbys caught up", () -> b.standbyRecordsApplied() == aChangelog);
            String someWord = afterFirst.keySet().iterator().next();
            KeyQueryMetadata md = a.queryMetadataForKey("counts", someWord, Serdes.string());
            assertThat(md.standbyHosts()).hasSize(1).doesNotContain(md.activeHost());

            long restoredBefore = b.restoredRecords();
            a.close(Duration.ofSeconds(30));
            Fixtures.await("b runs every task", () -> b.activeTasks().size() == 4);
            assertThat(b.restoredRecords()).as("records b had to restore").isEqualTo(restoredBefore);
            Fixtures.produce(broker, "sb-lines", second);
            reader.readUntil(r -> Fixtures.lastPerKey(r).equals(expected), 60);
        }
    }
}

package dev.sluice.streams;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.streams.serde.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the word count, one in a child process that is killed with SIGKILL mid-stream: the
 * survivor takes its tasks over and restores their counts from the changelogs. With exactly-once every
 * word's committed updates are exactly 1, 2, ..., its count — nothing lost, nothing counted twice. With
 * at-least-once nothing is lost and a word is counted again at most as often as it occurs in what the
 * victim had read but not committed when it died (its partitions from their committed offsets to their
 * ends at the kill): the final count lies within [exact, exact + that].
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FailoverTest {
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

    /** The child JVM: this JVM's module path and class path, the test classes patched into the module. */
    static Process child(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--module-path", System.getProperty("jdk.module.path"), "-cp", System.getProperty("java.class.path"),
                "--patch-module", "dev.sluice.streams=" + Path.of("target", "test-classes").toAbsolutePath(),
                "--add-modules", "ALL-MODULE-PATH", "--add-reads", "dev.sluice.streams=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=lmdbjava", "--add-exports", "java.base/sun.nio.ch=lmdbjava",
                "-m", "dev.sluice.streams/dev.sluice.streams.ChildInstance"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    }

    /** A {@link ChildInstance} word count: its output kept (logged on close), its task list followed. */
    static final class Victim implements AutoCloseable {
        private final Process process;
        private final AtomicReference<String> tasks = new AtomicReference<>("");
        private final StringBuilder output = new StringBuilder();
        private final Thread drain;

        Victim(String app, String in, String out, String guarantee) throws Exception {
            process = child(broker.bootstrap(), app, in, out, dir.resolve("child-state-" + app).toString(), guarantee);
            drain = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        if (line.startsWith("tasks ")) {
                            tasks.set(line.substring(6));
                        }
                    }
                } catch (Exception ignored) {
                    // the process died
                }
            }, "victim-output");
            drain.start();
        }

        /** The tasks it runs now, as {@code TaskId} strings ({@code <sub-topology>_<partition>}). */
        List<String> tasks() {
            String t = tasks.get();
            return t.length() <= 2 ? List.of() : List.of(t.substring(1, t.length() - 1).split(", "));
        }

        /** SIGKILL: no commit, no leaving the group, an open transaction left behind. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            kill();
            drain.join(5000);
            synchronized (output) {
                System.getLogger(FailoverTest.class.getName()).log(System.Logger.Level.INFO, "victim output:\n" + output);
            }
        }
    }

    /** Starts the victim, then the survivor; returns once both run tasks. */
    private static void bothRunning(Victim victim, SluiceStreams survivor) throws InterruptedException {
        Fixtures.await("the victim runs tasks", () -> !victim.tasks().isEmpty());
        survivor.start();
        Fixtures.await("both instances run tasks", () -> !survivor.activeTasks().isEmpty()
                && !victim.tasks().isEmpty() && survivor.activeTasks().size() < 8);
    }

    @Test
    void exactlyOnceCountsStayExactWhenAnInstanceIsKilledMidStream() throws Exception {
        broker.createTopics(new NewTopic("fo-lines", 4), new NewTopic("fo-counts", 2));
        Map<String, Long> expected = new TreeMap<>();
        Random random = new Random(7);
        List<String> first = Fixtures.lines(random, 400, expected);
        long firstUpdates = expected.values().stream().mapToLong(Long::longValue).sum();
        List<String> second = Fixtures.lines(random, 400, expected);
        Properties p = Fixtures.props(broker, dir, "fo", "exactly_once_v2");
        p.put("commit.interval.ms", "100");
        try (Victim victim = new Victim("fo", "fo-lines", "fo-counts", "exactly_once_v2");
             SluiceStreams survivor = new SluiceStreams(WordCount.topology("fo-lines", "fo-counts"), p);
             TopicReader reader = new TopicReader(broker.bootstrap(), "fo-counts")) {
            bothRunning(victim, survivor);
            Fixtures.produce(broker, "fo-lines", first);
            reader.readUntil(r -> r.size() >= firstUpdates / 2, 60); // both are working through it
            victim.kill();
            Fixtures.produce(broker, "fo-lines", second);
            List<ConsumerRecord> all = reader.readUntil(r -> Fixtures.lastPerKey(r).equals(expected), 120);
            assertThat(survivor.activeTasks()).hasSize(8);
            assertThat(survivor.state()).isEqualTo(SluiceStreams.State.RUNNING);
            reader.drain(1000);
            Fixtures.updatesPerKey(all).forEach((word, counts) -> assertThat(counts).as("updates of %s", word)
                    .isEqualTo(LongStream.rangeClosed(1, expected.get(word)).boxed().toList()));
        }
    }

    @Test
    void atLeastOnceLosesNothingAndRecountsOnlyWhatTheKilledInstanceHadNotCommitted() throws Exception {
        broker.createTopics(new NewTopic("fa-lines", 4), new NewTopic("fa-counts", 2));
        Map<String, Long> expected = new TreeMap<>();
        Random random = new Random(11);
        List<String> first = Fixtures.lines(random, 400, expected);
        long firstUpdates = expected.values().stream().mapToLong(Long::longValue).sum();
        List<String> second = Fixtures.lines(random, 400, expected);
        Properties p = Fixtures.props(broker, dir, "fa", "at_least_once");
        p.put("commit.interval.ms", "100");
        try (Victim victim = new Victim("fa", "fa-lines", "fa-counts", "at_least_once");
             SluiceStreams survivor = new SluiceStreams(WordCount.topology("fa-lines", "fa-counts"), p);
             TopicReader reader = new TopicReader(broker.bootstrap(), "fa-counts");
             SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            bothRunning(victim, survivor);
            Fixtures.produce(broker, "fa-lines", first);
            reader.readUntil(r -> r.size() >= firstUpdates / 2, 60); // both are working through it
            List<String> victimTasks = victim.tasks();
            victim.kill();
            // read before the group's session timeout hands the victim's partitions to the survivor
            Map<TopicPartition, Long> committed = admin.listGroupOffsets("fa").join();
            String repartition = admin.listTopics().join().stream()
                    .filter(t -> t.startsWith("fa-") && t.endsWith("-repartition")).findFirst().orElseThrow();
            List<TopicPartition> uncommittedInputs = new ArrayList<>();
            for (String task : victimTasks) { // sub-topology 0 reads the lines, 1 the words after the repartition
                String[] parts = task.split("_");
                uncommittedInputs.add(new TopicPartition(parts[0].equals("0") ? "fa-lines" : repartition, Integer.parseInt(parts[1])));
            }
            Map<String, Long> recountable = wordsAfterCommitted(uncommittedInputs, committed);
            Fixtures.produce(broker, "fa-lines", second);
            reader.readUntil(r -> everyCountReaches(Fixtures.lastPerKey(r), expected), 120);
            assertThat(survivor.activeTasks()).hasSize(8);
            assertThat(survivor.state()).isEqualTo(SluiceStreams.State.RUNNING);
            Map<String, Long> counts = Fixtures.lastPerKey(reader.drain(2000)); // recounts arrive too
            System.getLogger(FailoverTest.class.getName()).log(System.Logger.Level.INFO,
                    "victim tasks " + victimTasks + "; exact " + expected + "; counted " + counts + "; bound " + recountable);
            assertThat(counts.keySet()).isEqualTo(expected.keySet());
            expected.forEach((word, exact) -> assertThat(counts.get(word)).as("count of %s", word)
                    .isBetween(exact, exact + recountable.getOrDefault(word, 0L)));
        }
    }

    private static boolean everyCountReaches(Map<String, Long> counts, Map<String, Long> expected) {
        return expected.entrySet().stream().allMatch(e -> counts.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /**
     * Each word's occurrences in the records of {@code partitions} from their committed offsets (none:
     * the beginning) to their ends now: lines of words, or single words after the repartition.
     */
    private static Map<String, Long> wordsAfterCommitted(List<TopicPartition> partitions, Map<TopicPartition, Long> committed) {
        Map<String, Long> words = new TreeMap<>();
        try (SluiceConsumer consumer = new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            partitions.forEach(tp -> consumer.seek(tp, committed.getOrDefault(tp, 0L)));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertThat(System.nanoTime()).as("reading the uncommitted records").isLessThan(deadline);
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        for (String word : Serdes.string().deserialize("", r.value()).split(" ")) {
                            words.merge(word, 1L, Long::sum);
                        }
                    }
                }
            }
        }
        return words;
    }
}

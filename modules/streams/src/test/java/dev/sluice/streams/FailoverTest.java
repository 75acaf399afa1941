package dev.sluice.streams;

import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * survivor takes its tasks over, restores their counts from the changelogs, and with exactly-once
 * every word's committed updates are exactly 1, 2, ..., its count — nothing lost, nothing counted twice.
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
        Process victim = child(broker.bootstrap(), "fo", "fo-lines", "fo-counts", dir.resolve("child-state").toString(),
                "exactly_once_v2");
        AtomicReference<String> victimTasks = new AtomicReference<>("");
        StringBuilder victimLog = new StringBuilder();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (victimLog) {
                        victimLog.append(line).append('\n');
                    }
                    if (line.startsWith("tasks ")) {
                        victimTasks.set(line.substring(6));
                    }
                }
            } catch (Exception ignored) {
                // the process died
            }
        }, "victim-output");
        drain.start();
        try (SluiceStreams survivor = new SluiceStreams(WordCount.topology("fo-lines", "fo-counts"), p);
             TopicReader reader = new TopicReader(broker.bootstrap(), "fo-counts")) {
            Fixtures.await("the victim runs tasks", () -> victimTasks.get().startsWith("[") && victimTasks.get().length() > 2);
            survivor.start();
            Fixtures.await("both instances run tasks", () -> !survivor.activeTasks().isEmpty()
                    && victimTasks.get().length() > 2 && survivor.activeTasks().size() < 8);
            Fixtures.produce(broker, "fo-lines", first);
            reader.readUntil(r -> r.size() >= firstUpdates / 2, 60); // both are working through it
            victim.destroyForcibly().waitFor(); // SIGKILL: no commit, no leave, an open transaction
            Fixtures.produce(broker, "fo-lines", second);
            List<ConsumerRecord> all = reader.readUntil(r -> Fixtures.lastPerKey(r).equals(expected), 120);
            assertThat(survivor.activeTasks()).hasSize(8);
            assertThat(survivor.state()).isEqualTo(SluiceStreams.State.RUNNING);
            reader.drain(1000);
            Fixtures.updatesPerKey(all).forEach((word, counts) -> assertThat(counts).as("updates of %s", word)
                    .isEqualTo(LongStream.rangeClosed(1, expected.get(word)).boxed().toList()));
        } finally {
            victim.destroyForcibly().waitFor();
            drain.join(5000);
            synchronized (victimLog) {
                System.getLogger(FailoverTest.class.getName()).log(System.Logger.Level.INFO, "victim output:\n" + victimLog);
            }
        }
    }
}

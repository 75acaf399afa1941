package dev.sluice.connect.distributed;

import dev.sluice.broker.testing.Await;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.connect.runtime.Herder;
import dev.sluice.connect.runtime.State;
import dev.sluice.connect.runtime.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Three distributed workers on a real in-process broker; one leaves, its tasks move, nothing is lost. */
class DistributedConnectTest {
    @TempDir
    Path dir;
    private TestBroker broker;
    private final List<DistributedWorker> workers = new ArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        broker = TestBroker.start(dir, Map.of("group.initial.rebalance.delay.ms", "0"));
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        try (SluiceAdmin admin = new SluiceAdmin(p)) {
            admin.createTopics(List.of(new NewTopic("events", 3))).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stopAll() {
        workers.forEach(DistributedWorker::close);
        broker.close();
    }

    private DistributedWorker startWorker() {
        Map<String, String> w = new HashMap<>();
        w.put("bootstrap.servers", broker.bootstrap());
        w.put("group.id", "connect-it");
        w.put("config.storage.topic", "connect-configs");
        w.put("offset.storage.topic", "connect-offsets");
        w.put("status.storage.topic", "connect-status");
        w.put("config.storage.replication.factor", "1");
        w.put("offset.storage.replication.factor", "1");
        w.put("status.storage.replication.factor", "1");
        w.put("offset.storage.partitions", "6");
        w.put("session.timeout.ms", "6000");
        w.put("heartbeat.interval.ms", "500");
        w.put("offset.flush.interval.ms", "200");
        w.put("listeners", "http://127.0.0.1:0");
        w.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        w.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        w.put("consumer.session.timeout.ms", "6000");
        w.put("consumer.heartbeat.interval.ms", "500");
        DistributedWorker worker = DistributedWorker.start(w);
        workers.add(worker);
        return worker;
    }

    private static void append(Path file, String prefix, int from, int to) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(prefix).append(i).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.await(what, Duration.ofSeconds(60), condition);
    }

    private static boolean allRunning(Herder herder, List<String> names) {
        for (String name : names) {
            Herder.ConnectorStatus s = herder.status(name);
            if (s.connector().state() != State.RUNNING || s.tasks().isEmpty()
                    || s.tasks().values().stream().anyMatch(t -> t.state() != State.RUNNING)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void threeWorkersShareTheTasksAndWhenOneLeavesItsTasksMoveAndNothingIsLost() throws Exception {
        DistributedWorker first = startWorker();
        startWorker();
        startWorker();
        await("all three workers in the group with 2 slots each",
                () -> workers.stream().allMatch(w -> w.ownedSlots().size() == 2));
        Path out = dir.resolve("out.txt");
        List<String> names = List.of("src-a", "src-b", "src-c", "sink");
        List<String> expected = new ArrayList<>();
        for (String s : List.of("a", "b", "c")) {
            Path in = dir.resolve(s + ".txt");
            append(in, s + "-", 0, 200);
            for (int i = 0; i < 200; i++) {
                expected.add(s + "-" + i);
            }
            first.herder().putConnectorConfig("src-" + s, Map.of("connector.class", "FileStreamSource",
                    "file", in.toString(), "topic", "events"), false);
        }
        // created through another worker: any worker takes REST calls
        workers.get(2).herder().putConnectorConfig("sink", Map.of("connector.class", "FileStreamSink",
                "file", out.toString(), "topics", "events"), false);

        // every worker sees the same statuses, and the work is spread by slot over the members
        await("every connector and task RUNNING in every worker's view, 4 tasks in all",
                () -> workers.stream().allMatch(w -> allRunning(w.herder(), names))
                        && workers.stream().mapToInt(w -> w.runningTasks().size()).sum() == 4);
        await("the first 600 lines", () -> lines(out).size() >= 600);

        DistributedWorker busiest = workers.stream().max(Comparator.comparingInt(w -> w.runningTasks().size())).orElseThrow();
        List<String> moved = new ArrayList<>(busiest.runningTasks());
        String goneId = busiest.herder().workerId();
        busiest.close();
        workers.remove(busiest);
        Herder survivor = workers.get(0).herder();

        for (String s : List.of("a", "b", "c")) {
            append(dir.resolve(s + ".txt"), s + "-", 200, 400);
            for (int i = 200; i < 400; i++) {
                expected.add(s + "-" + i);
            }
        }
        await("the moved tasks running on the remaining workers", () -> {
            if (!allRunning(survivor, names)) {
                return false;
            }
            for (String name : names) {
                for (Status t : survivor.status(name).tasks().values()) {
                    if (t.workerId().equals(goneId)) {
                        return false;
                    }
                }
            }
            return true;
        });
        await("4 tasks on the two workers left", () -> workers.stream().mapToInt(w -> w.runningTasks().size()).sum() == 4);
        assertThat(workers.stream().flatMap(w -> w.runningTasks().stream()).toList()).containsAll(moved);
        await("all 1200 lines", () -> lines(out).size() >= 1200);
        Thread.sleep(500);
        assertThat(lines(out)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void configurationsPauseAndDeletionReachEveryWorker() throws Exception {
        DistributedWorker one = startWorker();
        DistributedWorker two = startWorker();
        Path in = dir.resolve("p.txt");
        append(in, "p-", 0, 5);
        Herder.Created created = one.herder().putConnectorConfig("p", Map.of("connector.class", "FileStreamSource",
                "file", in.toString(), "topic", "events"), false);
        assertThat(created.created()).isTrue();
        await("p running", () -> allRunning(two.herder(), List.of("p")));
        assertThat(two.herder().connectors()).containsExactly("p");
        assertThat(two.herder().taskConfigs("p")).hasSize(1);
        two.herder().pause("p");
        await("p paused everywhere", () -> one.herder().status("p").tasks().get(0).state() == State.PAUSED
                && one.herder().status("p").connector().state() == State.PAUSED);
        one.herder().resume("p");
        await("p running again", () -> allRunning(two.herder(), List.of("p")));
        two.herder().deleteConnector("p");
        assertThat(one.herder().connectors()).isEmpty();
        await("no task left", () -> one.runningTasks().isEmpty() && two.runningTasks().isEmpty());
    }
}

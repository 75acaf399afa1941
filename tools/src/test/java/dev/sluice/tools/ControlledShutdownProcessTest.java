package dev.sluice.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to a broker process of a ZooKeeper cluster ({@code sluice zookeeper} + two
 * {@code sluice server} processes, a topic with replication factor 2): the broker's shutdown hook
 * asks the controller for a controlled shutdown, the controller (its log says so) moves the
 * leadership of the broker's partitions to the other replica and takes it out of the ISRs, and the
 * process exits.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ControlledShutdownProcessTest {
    private static final Pattern ELECTED = Pattern.compile("broker (\\d+) is the controller with epoch (\\d+)");
    private static final String TOPIC = "handover";

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Integer, Process> brokers = new HashMap<>();
    private final Map<Integer, String> bootstraps = new HashMap<>();

    @AfterEach
    void killAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process launch(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.javaCommand(), "-Xmx256m", "-cp", ChildJvm.classPath(),
                Sluice.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(dir.resolve(name + ".err").toFile()).start();
        processes.add(process);
        return process;
    }

    private static <T> T await(String what, Supplier<T> value, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        T current = value.get();
        while (!done.test(current) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            current = value.get();
        }
        assertThat(done.test(current)).as(what + ", last seen: " + current).isTrue();
        return current;
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".err"));
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<TopicDescription> describe(Admin admin) {
        try {
            return Optional.of(admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Test
    void sigtermMovesTheBrokersLeadershipAwayBeforeTheProcessExits() throws Exception {
        Process zookeeper = launch("zookeeper", "zookeeper", "--host", "127.0.0.1", "--port", "0", "--tick-ms", "500",
                "--data-dir", dir.resolve("zk").toString());
        String connect = ChildJvm.awaitReady(zookeeper, "ZooKeeper is running: zookeeper.connect=", "sluice zookeeper");
        for (int id = 1; id <= 2; id++) {
            Process broker = launch("broker-" + id, "server", "broker.id=" + id, "listeners=PLAINTEXT://127.0.0.1:0",
                    "log.dirs=" + dir.resolve("data-" + id), "zookeeper.connect=" + connect,
                    "zookeeper.session.timeout.ms=4000", "num.io.threads=2", "num.network.threads=1",
                    "controlled.shutdown.retry.backoff.ms=200");
            brokers.put(id, broker);
            bootstraps.put(id, ChildJvm.awaitReady(broker, "Sluice is running: bootstrap.servers=", "broker " + id));
        }
        int controller = await("a controller elected", () -> {
            Matcher m = ELECTED.matcher(log("broker-1") + log("broker-2"));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }, id -> id > 0);
        int victim = controller == 1 ? 2 : 1;

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstraps.get(controller),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            await("two brokers listed", () -> {
                try {
                    return admin.describeCluster().nodes().get().size();
                } catch (Exception e) {
                    return 0;
                }
            }, n -> n == 2);
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
            TopicDescription before = await("both partitions led, one by each broker", () -> describe(admin),
                    d -> d.isPresent() && d.get().partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())
                            && d.get().partitions().stream().anyMatch(p -> p.leader().id() == victim)).orElseThrow();
            assertThat(before.partitions()).allMatch(p -> p.isr().size() == 2);

            brokers.get(victim).destroy(); // SIGTERM
            assertThat(brokers.get(victim).waitFor(60, TimeUnit.SECONDS)).as("broker %d exited", victim).isTrue();

            assertThat(log("broker-" + controller)).contains("controlled shutdown of broker " + victim + ":");
            TopicDescription after = await("every partition led by broker " + controller, () -> describe(admin),
                    d -> d.isPresent() && d.get().partitions().stream().allMatch(p -> p.leader() != null
                            && !p.leader().isEmpty() && p.leader().id() == controller)).orElseThrow();
            for (TopicPartitionInfo p : after.partitions()) {
                assertThat(p.isr()).extracting(n -> n.id()).containsExactly(controller);
            }
            assertThat(log("broker-" + victim)).contains("sluice server: stopped");
        }
    }
}

package dev.sluice.tools.cluster;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ZooKeeper server and three brokers, each its own process: they register, one is elected
 * controller, kafka-clients produce and consume on a topic whose partitions are led by all three;
 * kill -9 of the controller elects another with a higher epoch; kill -9 of another broker takes its
 * partition offline (rf=1) once its session expires, and a restart on the same data brings it back
 * with its records. Before the kills, kcat (librdkafka) produces to and consumes from all three leaders.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessesTest {
    private static final String TOPIC = "spread";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(ProcessCluster.Settings.of("ClusterProcessesTest"), dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void kcatProducesAndConsumesAcrossTheCluster() throws Exception {
        Assumptions.assumeTrue(kcatInstalled(), "kcat is not installed");
        String topic = "kcat";
        cluster.admin().createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        BrokerMetadata led = Await.until("every partition of " + topic + " led", WAIT, () -> cluster.metadataOf(1, topic),
                m -> m.ledPartitions(topic) == 3);
        assertThat(led.topics().get(topic).values()).extracting(BrokerMetadata.Partition::leader).containsExactlyInAnyOrder(1, 2, 3);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add("key" + i + ":value" + i);
        }
        Path input = dir.resolve("kcat-input.txt");
        Files.write(input, lines);
        // librdkafka's default partitioner spreads the keys over all three partitions, so over all three leaders
        kcat(input, "-P", "-b", cluster.address(1), "-t", topic, "-K:", "-X", "acks=all");
        List<String> consumed = kcat(null, "-C", "-b", cluster.address(2), "-t", topic, "-o", "beginning", "-e", "-q",
                "-f", "%p %o %k:%s\\n");
        assertThat(consumed).hasSize(60);
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        for (String line : consumed) {
            String[] parts = line.split(" ", 3);
            byPartition.computeIfAbsent(Integer.parseInt(parts[0]), p -> new ArrayList<>()).add(parts[2]);
        }
        assertThat(byPartition.keySet()).containsExactly(0, 1, 2);
        assertThat(byPartition.values().stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(lines);
        // kafka-clients reads the same records at the same offsets from the leaders
        List<ConsumerRecord<String, String>> records = Clients.consume(cluster.address(3), topic, List.of(0, 1, 2), 60, WAIT);
        assertThat(records).extracting(r -> r.partition() + " " + r.offset() + " " + r.key() + ":" + r.value())
                .containsExactlyInAnyOrderElementsOf(consumed);
    }

    private static boolean kcatInstalled() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "kcat")));
    }

    /** Runs kcat to its end (60 s at most), {@code input} as its standard input; returns its output lines. */
    private static List<String> kcat(Path input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "kcat", ".out");
        Path errors = Files.createTempFile(dir, "kcat", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile());
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process kcat = builder.start();
        if (!kcat.waitFor(60, TimeUnit.SECONDS)) {
            kcat.destroyForcibly().waitFor();
            throw new AssertionError("kcat " + command + " did not finish: " + Files.readString(errors));
        }
        assertThat(kcat.exitValue()).as("kcat %s: %s", command, Files.readString(errors)).isZero();
        return Files.readAllLines(output);
    }

    @Test
    @Order(2)
    void threeBrokerProcessesFormAClusterThatSurvivesKillNine() throws Exception {
        int firstController = cluster.awaitController();
        int firstEpoch = cluster.store().controllerEpoch();
        for (int id : cluster.ids()) {
            Await.until("broker " + id + " lists three brokers and the controller", WAIT, () -> cluster.metadataOf(id),
                    m -> m.brokers().equals(Set.of(1, 2, 3)) && m.controllerId() == firstController);
        }
        assertThat(cluster.admin().describeCluster().controller().get().id()).isEqualTo(firstController);
        cluster.admin().createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        BrokerMetadata led = Await.until("every partition led, on every broker", WAIT, () -> cluster.metadataOf(1, TOPIC),
                m -> m.ledPartitions(TOPIC) == 3);
        assertThat(led.topics().get(TOPIC).values()).extracting(BrokerMetadata.Partition::leader).containsExactlyInAnyOrder(1, 2, 3);

        try (KafkaProducer<String, String> producer = Clients.producer(cluster.address(2), false)) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 3, null, "r" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(Clients.consume(cluster.address(3), TOPIC, List.of(0, 1, 2), 30, WAIT)).hasSize(30);

        // kill -9 the controller: another broker wins with a higher epoch
        cluster.kill(firstController);
        int secondController = Await.until("a new controller", WAIT, () -> cluster.store().controllerId().orElse(-1),
                c -> c > 0 && c != firstController);
        assertThat(cluster.store().controllerEpoch()).isGreaterThan(firstEpoch);
        // the broker logs its election just after winning it in ZooKeeper: wait for the line, not race it
        String elected = "broker " + secondController + " is the controller with epoch " + cluster.store().controllerEpoch();
        Await.until("broker " + secondController + " logs its election", WAIT, () -> cluster.log(secondController),
                log -> log.contains(elected));

        // kill -9 a broker that is not the controller now; rf=1: its partition goes offline
        int victim = cluster.ids().stream().filter(id -> id != firstController && id != secondController).findFirst().orElseThrow();
        int partition = led.topics().get(TOPIC).entrySet().stream().filter(e -> e.getValue().leader() == victim)
                .map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
        cluster.kill(victim);
        Await.until("partition " + partition + " offline after broker " + victim + "'s session expired", WAIT,
                () -> cluster.metadataOf(secondController, TOPIC).leader(TOPIC, partition) == -1);

        cluster.start(victim);
        Await.until("partition " + partition + " led by broker " + victim + " again", WAIT,
                () -> cluster.metadataOf(secondController, TOPIC).leader(TOPIC, partition) == victim);
        List<ConsumerRecord<String, String>> records = Clients.consume(cluster.address(secondController), TOPIC, List.of(partition), 10, WAIT);
        assertThat(records).extracting(ConsumerRecord::value).allMatch(v -> Integer.parseInt(v.substring(1)) % 3 == partition).hasSize(10);
    }
}

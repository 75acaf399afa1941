package dev.sluice.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * A ZooKeeper server and three brokers, each its own process ({@code sluice zookeeper},
 * {@code sluice server zookeeper.connect=...}): they register, one is elected controller,
 * kafka-clients produce and consume on a topic whose partitions are led by all three; kill -9 of the
 * controller elects another with a higher epoch; kill -9 of another broker takes its partition
 * offline (rf=1) once its session expires, and a restart on the same data brings it back with its records.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterProcessesTest {
    private static final Pattern ELECTED = Pattern.compile("broker (\\d+) is the controller with epoch (\\d+)");
    private static final String TOPIC = "spread";

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Integer, Process> brokers = new HashMap<>();
    private final Map<Integer, String> bootstraps = new HashMap<>();
    private String connect;

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

    private void startBroker(int id) throws IOException {
        Process broker = launch("broker-" + id + "-" + processes.size(), "server", "broker.id=" + id,
                "listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + dir.resolve("data-" + id),
                "zookeeper.connect=" + connect, "zookeeper.session.timeout.ms=4000", "num.io.threads=2",
                "num.network.threads=1");
        brokers.put(id, broker);
        bootstraps.put(id, ChildJvm.awaitReady(broker, "Sluice is running: bootstrap.servers=", "broker " + id));
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

    /** The highest controller epoch any broker's log reports winning, and who won it. */
    private int[] lastElection() {
        int[] last = {-1, -1};
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".err")).toList()) {
                Matcher m = ELECTED.matcher(Files.readString(file));
                while (m.find()) {
                    int epoch = Integer.parseInt(m.group(2));
                    if (epoch > last[1]) {
                        last = new int[] {Integer.parseInt(m.group(1)), epoch};
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return last;
    }

    private static Optional<TopicDescription> describe(Admin admin) {
        try {
            return Optional.of(admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC));
        } catch (Exception e) {
            return Optional.empty(); // LEADER_NOT_AVAILABLE while leaders are elected, a broker just killed...
        }
    }

    private static int leaderOf(TopicDescription d, int partition) {
        Node leader = d.partitions().get(partition).leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    @Test
    void threeBrokerProcessesFormAClusterThatSurvivesKillNine() throws Exception {
        Process zookeeper = launch("zookeeper", "zookeeper", "--host", "127.0.0.1", "--port", "0", "--tick-ms", "500",
                "--data-dir", dir.resolve("zk").toString());
        connect = ChildJvm.awaitReady(zookeeper, "ZooKeeper is running: zookeeper.connect=", "sluice zookeeper");
        for (int id = 1; id <= 3; id++) {
            startBroker(id);
        }
        int[] first = await("a controller elected", this::lastElection, e -> e[0] > 0);

        try (Admin admin = admin(bootstraps.get(1))) {
            await("three brokers listed", () -> {
                try {
                    return admin.describeCluster().nodes().get().size();
                } catch (Exception e) {
                    return 0;
                }
            }, n -> n == 3);
            assertThat(admin.describeCluster().controller().get().id()).isEqualTo(first[0]);
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
            TopicDescription d = await("every partition led", () -> describe(admin),
                    o -> o.isPresent() && o.get().partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                    .orElseThrow();
            assertThat(d.partitions()).extracting(p -> p.leader().id()).containsExactlyInAnyOrder(1, 2, 3);
        }

        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstraps.get(2),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(), ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 3, null, "r" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(consume(bootstraps.get(3), List.of(0, 1, 2), 30)).hasSize(30);

        // kill -9 the controller: another broker wins with a higher epoch
        int oldController = first[0];
        brokers.get(oldController).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        int[] second = await("a new controller", this::lastElection, e -> e[0] != oldController && e[1] > first[1]);
        assertThat(second[1]).isGreaterThan(first[1]);

        // kill -9 a broker that is not the controller now; rf=1: its partition goes offline
        int victim = List.of(1, 2, 3).stream().filter(id -> id != oldController && id != second[0]).findFirst().orElseThrow();
        int survivor = second[0];
        try (Admin admin = admin(bootstraps.get(survivor))) {
            int partition = await("the victim's partition", () -> describe(admin), Optional::isPresent).get().partitions()
                    .stream().filter(p -> p.leader() != null && !p.leader().isEmpty() && p.leader().id() == victim)
                    .map(TopicPartitionInfo::partition).findFirst().orElseThrow();
            brokers.get(victim).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            await("partition " + partition + " offline after broker " + victim + "'s session expired",
                    () -> describe(admin), o -> o.isPresent() && leaderOf(o.get(), partition) == -1);

            startBroker(victim);
            await("partition " + partition + " led by broker " + victim + " again", () -> describe(admin),
                    o -> o.isPresent() && leaderOf(o.get(), partition) == victim);
            assertThat(consume(bootstraps.get(survivor), List.of(partition), 10)).hasSize(10);
        }
    }

    private static List<ConsumerRecord<String, String>> consume(String bootstrap, List<Integer> partitions, int count) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(partitions.stream().map(p -> new TopicPartition(TOPIC, p)).toList());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}

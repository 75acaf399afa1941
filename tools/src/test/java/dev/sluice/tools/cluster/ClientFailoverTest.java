package dev.sluice.tools.cluster;

import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * #11 test 7: clients fail over with retries only. Three brokers, replication factor 3,
 * min.insync.replicas=2; a producer (acks=all, idempotent) and a consumer run while the
 * partition's leader is killed -9 (for Sluice's client then also another leader frozen with
 * SIGSTOP past its session, so its requests time out). Neither has any failover handling of its
 * own — only the client's retries are configured — and afterwards every record sent was
 * acknowledged, once, in send order at consecutive offsets, and the consumer that ran across the
 * failover read each of them exactly once, in order. For Sluice's own client ({@code modules/client})
 * and for kcat (librdkafka; skipped if not installed). kafka-clients is {@link ReplicationChaosTest}'s load.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClientFailoverTest {
    private static final System.Logger LOG = System.getLogger(ClientFailoverTest.class.getName());
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(ProcessCluster.Settings.of("ClientFailoverTest").withBrokerSettings(Map.of(
                "default.replication.factor", "3", "min.insync.replicas", "2", "unclean.leader.election.enable", "false")), dir);
    }

    /** A test that failed between its kill -9 and its restart must not leave the next one with two brokers. */
    @AfterEach
    void restartKilledBrokers() throws Exception {
        cluster.restoreAll();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static PartitionState state(String topic, int partition) {
        return cluster.store().partitionState(topic, partition).orElseThrow().value();
    }

    /** Creates {@code topic} (rf 3, min.insync.replicas 2) and waits until each partition is led with all three in its ISR. */
    private static void createTopic(String topic, int partitions) throws Exception {
        cluster.admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get();
        awaitFullIsr(topic, partitions, "after creation");
    }

    private static void awaitFullIsr(String topic, int partitions, String after) {
        Await.until("every partition of " + topic + " led with all three in its ISR, " + after, WAIT,
                () -> IntStream.range(0, partitions).mapToObj(p -> cluster.store().partitionState(topic, p)).toList(),
                states -> states.stream().allMatch(s -> s.isPresent() && s.get().value().leader() > 0
                        && s.get().value().isr().size() == 3));
    }

    /** Kills -9 the leader of {@code topic}-{@code partition} and waits until another broker leads it; returns the killed broker. */
    private static int killLeader(String topic, int partition) {
        int leader = state(topic, partition).leader();
        cluster.kill(leader);
        Await.until(topic + "-" + partition + " led by another broker than the killed " + leader, WAIT,
                () -> state(topic, partition).leader(), l -> l > 0 && l != leader);
        return leader;
    }

    @Test
    void sluiceClientFailsOverWithRetriesOnly() throws Exception {
        String topic = "sluice-client";
        int partitions = 2;
        createTopic(topic, partitions);
        Map<Integer, List<String>> sent = new ConcurrentHashMap<>();
        Map<String, Long> offsetOf = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, List<String>> read = new ConcurrentHashMap<>();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong consumed = new AtomicLong();
        List<Throwable> clientErrors = Collections.synchronizedList(new ArrayList<>());
        Semaphore inFlight = new Semaphore(200);
        var stopWriting = new java.util.concurrent.atomic.AtomicBoolean();
        var stopReading = new java.util.concurrent.atomic.AtomicBoolean();
        for (int p = 0; p < partitions; p++) {
            sent.put(p, Collections.synchronizedList(new ArrayList<>()));
            read.put(p, Collections.synchronizedList(new ArrayList<>()));
        }
        // only retries and timeouts configured: the application does nothing about the failover
        ProducerConfig producerConfig = ProducerConfig.from(Map.of("bootstrap.servers", cluster.bootstrap(), "acks", "all",
                "enable.idempotence", "true", "linger.ms", "5", "request.timeout.ms", "10000", "delivery.timeout.ms", "120000",
                "retry.backoff.ms", "100"));
        ConsumerConfig consumerConfig = ConsumerConfig.from(Map.of("bootstrap.servers", cluster.bootstrap(),
                "auto.offset.reset", "earliest", "request.timeout.ms", "10000", "retry.backoff.ms", "100"));
        Thread writer = new Thread(() -> {
            try (SluiceProducer producer = new SluiceProducer(producerConfig)) {
                for (long seq = 0; !stopWriting.get(); seq++) {
                    int partition = (int) (seq % partitions);
                    String value = "p" + partition + "-" + seq;
                    inFlight.acquireUninterruptibly();
                    sent.get(partition).add(value);
                    producer.send(new ProducerRecord(topic, partition, null, null, value.getBytes(StandardCharsets.UTF_8), List.of()),
                            (metadata, error) -> {
                                inFlight.release();
                                if (error == null) {
                                    offsetOf.put(value, metadata.offset());
                                    acknowledged.incrementAndGet();
                                } else {
                                    failures.add(value + ": " + error);
                                }
                            });
                    if (seq % 10 == 0) {
                        Thread.sleep(5);
                    }
                }
                producer.flush();
            } catch (Throwable e) {
                clientErrors.add(e);
            }
        }, "sluice-failover-writer");
        Thread reader = new Thread(() -> {
            try (SluiceConsumer consumer = new SluiceConsumer(consumerConfig)) {
                consumer.assign(IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList());
                while (!stopReading.get()) {
                    for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                        read.get(r.partition()).add(r.offset() + " " + new String(r.value(), StandardCharsets.UTF_8));
                        consumed.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                clientErrors.add(e);
            }
        }, "sluice-failover-reader");
        writer.start();
        reader.start();
        int killed;
        int paused;
        try {
            Await.until("300 acknowledged writes", WAIT, acknowledged::get, n -> n >= 300);
            killed = killLeader(topic, 0);
            long afterKill = acknowledged.get();
            Await.until("300 more acknowledged writes after the kill -9 of broker " + killed, WAIT, acknowledged::get,
                    n -> n >= afterKill + 300);
            cluster.start(killed);
            awaitFullIsr(topic, partitions, "after broker " + killed + " restarted");
            // a leader frozen past its session: its requests time out, the clients find the new leader
            paused = state(topic, 1).leader();
            cluster.pause(paused);
            Await.until(topic + "-1 led by another broker than the frozen " + paused, WAIT, () -> state(topic, 1).leader(),
                    l -> l > 0 && l != paused);
            long afterPause = acknowledged.get();
            Await.until("300 more acknowledged writes with broker " + paused + " frozen", WAIT, acknowledged::get,
                    n -> n >= afterPause + 300);
            cluster.resume(paused);
            awaitFullIsr(topic, partitions, "after broker " + paused + " resumed");
        } finally {
            stopWriting.set(true);
            writer.join(TimeUnit.MINUTES.toMillis(3));
        }
        try {
            assertThat(writer.isAlive()).as("the writer finished (every send answered)").isFalse();
            assertThat(failures).as("sends that failed though retries were unbounded").isEmpty();
            long total = sent.values().stream().mapToLong(List::size).sum();
            assertThat(acknowledged.get()).isEqualTo(total);
            Await.until("the consumer read as many records as were acknowledged (" + total + ")", WAIT, consumed::get,
                    n -> n >= total || !clientErrors.isEmpty());
        } finally {
            stopReading.set(true);
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(clientErrors).as("errors the clients threw at the application").isEmpty();
        for (int p = 0; p < partitions; p++) {
            List<String> values = sent.get(p);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                expected.add(i + " " + values.get(i));
            }
            // acknowledged once each, in send order, at consecutive offsets: no duplicate, no gap
            assertThat(values.stream().map(v -> offsetOf.get(v) + " " + v).toList()).as("acknowledged offsets of " + topic + "-" + p)
                    .isEqualTo(expected);
            assertThat(read.get(p)).as("what the consumer read of " + topic + "-" + p + " across the failover").isEqualTo(expected);
        }
        LOG.log(System.Logger.Level.INFO, "Sluice client across the kill -9 of broker {0} and SIGSTOP of broker {1}: {2} acknowledged, "
                + "{3} read", killed, paused, acknowledged.get(), consumed.get());
    }

    @Test
    void kcatFailsOverWithRetriesOnly() throws Exception {
        Assumptions.assumeTrue(kcatInstalled(), "kcat is not installed");
        String topic = "kcat-failover";
        createTopic(topic, 1);
        Path consumed = dir.resolve("kcat-consumed.txt");
        Path consumerErrors = dir.resolve("kcat-consumer.err");
        Path producerErrors = dir.resolve("kcat-producer.err");
        // the consumer runs across the failover (-u: each record written out as it arrives)
        Process consumer = new ProcessBuilder("kcat", "-C", "-b", cluster.bootstrap(), "-t", topic, "-p", "0", "-o", "beginning",
                "-u", "-f", "%o %s\\n").redirectOutput(consumed.toFile()).redirectError(consumerErrors.toFile()).start();
        // -v -v: a delivery report per acknowledged message on stderr; retries are librdkafka's own (idempotent)
        Process producer = new ProcessBuilder("kcat", "-P", "-b", cluster.bootstrap(), "-t", topic, "-p", "0", "-v", "-v",
                "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "message.send.max.retries=1000000",
                "-X", "retry.backoff.ms=100", "-X", "message.timeout.ms=120000", "-X", "linger.ms=5")
                .redirectOutput(dir.resolve("kcat-producer.out").toFile()).redirectError(producerErrors.toFile()).start();
        // kcat reads its input in blocking chunks and reports deliveries between messages: the input must keep flowing
        AtomicLong written = new AtomicLong();
        var stopFeeding = new java.util.concurrent.atomic.AtomicBoolean();
        List<Throwable> feedErrors = Collections.synchronizedList(new ArrayList<>());
        Thread feeder = new Thread(() -> {
            try (OutputStream in = producer.getOutputStream()) {
                for (long i = 0; !stopFeeding.get(); i++) {
                    in.write(("m-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                    written.set(i + 1);
                    if (i % 10 == 9) {
                        in.flush();
                        Thread.sleep(10);
                    }
                }
            } catch (Throwable e) {
                feedErrors.add(e);
            }
        }, "kcat-feeder");
        int killed;
        long total;
        try {
            feeder.start();
            Await.until("300 records acknowledged to kcat", WAIT, () -> deliveredOffsets(producerErrors).size(), n -> n >= 300);
            killed = killLeader(topic, 0);
            long writtenAtKill = written.get();
            Await.until("every record written before the kill -9 of broker " + killed + " and 300 more acknowledged to kcat", WAIT,
                    () -> deliveredOffsets(producerErrors).size(), n -> n >= writtenAtKill + 300);
            stopFeeding.set(true);
            feeder.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(feedErrors).isEmpty();
            total = written.get();
            assertThat(producer.waitFor(150, TimeUnit.SECONDS)).as("kcat -P finished").isTrue();
            try {
                Await.until("kcat -C read " + total + " records", WAIT, () -> Files.readAllLines(consumed).size(), n -> n >= total);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; kcat -C " + (consumer.isAlive() ? "still running" : "exited "
                        + consumer.exitValue()) + ", its stderr:\n" + tail(Files.readString(consumerErrors)), e);
            }
            Thread.sleep(500); // anything more (a duplicate) would show up here
        } finally {
            stopFeeding.set(true);
            producer.destroyForcibly();
            consumer.destroy(); // SIGTERM: kcat stops consuming and exits
            consumer.waitFor(10, TimeUnit.SECONDS);
            consumer.destroyForcibly();
        }
        String producerLog = Files.readString(producerErrors);
        assertThat(producer.exitValue()).as("kcat -P exit status; its stderr:\n" + tail(producerLog)).isZero();
        assertThat(producerLog).doesNotContain("Delivery failed");
        List<String> expected = LongStream.range(0, total).mapToObj(i -> i + " m-" + i).toList();
        // every record acknowledged once, in order, at consecutive offsets
        assertThat(deliveredOffsets(producerErrors)).isEqualTo(LongStream.range(0, total).boxed().toList());
        assertThat(Files.readAllLines(consumed)).as("what kcat -C read across the failover; its stderr: " + Files.readString(consumerErrors))
                .isEqualTo(expected);
        // and nothing more is there: a fresh read to the end finds exactly these
        assertThat(kcat("-C", "-b", cluster.bootstrap(), "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q", "-f", "%o %s\\n"))
                .isEqualTo(expected);
        LOG.log(System.Logger.Level.INFO, "kcat across the kill -9 of broker {0}: {1} records", killed, total);
        cluster.start(killed);
        awaitFullIsr(topic, 1, "after broker " + killed + " restarted");
    }

    private static final Pattern DELIVERED = Pattern.compile("Message delivered to partition 0 \\(offset (-?\\d+)\\)");

    /** The offsets of kcat's delivery reports so far, in the order reported. */
    private static List<Long> deliveredOffsets(Path producerErrors) throws Exception {
        List<Long> offsets = new ArrayList<>();
        Matcher m = DELIVERED.matcher(Files.readString(producerErrors));
        while (m.find()) {
            offsets.add(Long.parseLong(m.group(1)));
        }
        return offsets;
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private static boolean kcatInstalled() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "kcat")));
    }

    /** Runs kcat to its end (60 s at most); returns its output lines. */
    private static List<String> kcat(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "kcat", ".out");
        Path errors = Files.createTempFile(dir, "kcat", ".err");
        Process kcat = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        if (!kcat.waitFor(60, TimeUnit.SECONDS)) {
            kcat.destroyForcibly().waitFor();
            throw new AssertionError("kcat " + command + " did not finish: " + Files.readString(errors));
        }
        assertThat(kcat.exitValue()).as("kcat %s: %s", command, Files.readString(errors)).isZero();
        return Files.readAllLines(output);
    }
}

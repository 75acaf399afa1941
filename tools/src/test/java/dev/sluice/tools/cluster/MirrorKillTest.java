package dev.sluice.tools.cluster;

import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's mirroring test: two brokers, a {@code sluice mirror} JVM copying a 3-partition topic from a
 * to b while a producer writes to it; the mirror is killed with SIGKILL (no commit) and a new one started
 * on the same file. Every source record arrives on b in its partition with its key, value, headers and
 * timestamp (at least once: what was sent after the last commit is sent again; with repeats removed, in
 * the source's order), and a consumer group that committed on a resumes on b from its translated offsets
 * without skipping a record.
 */
class MirrorKillTest {
    private static final long BASE_TS = 1_650_000_000_000L;
    private static final int RECORDS = 3000;
    private static final String READY = "Mirror started: ";

    @TempDir
    Path dir;
    private Broker a;
    private Broker b;
    private ChildProcess mirror;
    private Thread producer;
    private final AtomicInteger produced = new AtomicInteger();
    private final AtomicReference<Throwable> producerFailure = new AtomicReference<>();

    @AfterEach
    void stop() throws Exception {
        if (producer != null) {
            producer.interrupt();
            producer.join(30_000);
        }
        if (mirror != null) {
            mirror.kill();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private Broker broker(String name) throws IOException {
        return Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + freePort(),
                "log.dirs", dir.resolve(name).toString(), "num.io.threads", "2", "num.network.threads", "1",
                "auto.create.topics.enable", "false", "group.initial.rebalance.delay.ms", "0")));
    }

    private static Properties client(Broker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        return p;
    }

    /** Record i: partition i % 3, key "k<i>", value "v<i>", header seq=i, timestamp BASE_TS + i; ~500 a second. */
    private void produceInBackground() {
        producer = new Thread(() -> {
            try (SluiceProducer p = new SluiceProducer(client(a))) {
                for (int i = 0; i < RECORDS; i++) {
                    p.send(new ProducerRecord("orders", i % 3, BASE_TS + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("v" + i).getBytes(StandardCharsets.UTF_8),
                            List.of(new Header("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8))))).get(30, TimeUnit.SECONDS);
                    produced.incrementAndGet();
                    if (i % 10 == 9) {
                        Thread.sleep(20);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                producerFailure.set(t);
            }
        }, "mirror-kill-test-producer");
        producer.start();
    }

    private static String describe(ConsumerRecord r) {
        StringBuilder s = new StringBuilder().append(r.partition()).append('/')
                .append(new String(r.key(), StandardCharsets.UTF_8)).append('=').append(new String(r.value(), StandardCharsets.UTF_8))
                .append('@').append(r.timestamp());
        for (Header h : r.headers()) {
            s.append(',').append(h.key()).append(':').append(new String(h.value(), StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    /** Each partition's records of {@code topic} from {@code from} (offset by partition; 0 when absent), described, in offset order. */
    private static List<List<String>> read(Broker broker, String topic, Map<Integer, Long> from) {
        List<List<String>> out = new ArrayList<>();
        try (SluiceConsumer consumer = new SluiceConsumer(client(broker))) {
            for (int p = 0; p < 3; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                consumer.assign(List.of(tp));
                consumer.seek(tp, from.getOrDefault(p, 0L));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                List<String> records = new ArrayList<>();
                while (consumer.position(tp) < end) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(describe(r)));
                }
                out.add(records);
            }
        }
        return out;
    }

    private static long total(List<List<String>> partitions) {
        return partitions.stream().mapToLong(List::size).sum();
    }

    private ChildProcess startMirror(String name, Path file) throws IOException {
        ChildProcess m = ChildProcess.start(name, dir.resolve(name + ".log"), "256m", List.of("mirror", file.toString()));
        m.awaitReady(READY, Duration.ofSeconds(90));
        return m;
    }

    @Test
    void aMirrorKilledWithSigkillLosesNoRecordAndAGroupResumesOnTheTargetWithoutSkipping() throws Exception {
        a = broker("a");
        b = broker("b");
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(a.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("orders", 3))).get(30, TimeUnit.SECONDS);
        }
        Path file = dir.resolve("mirror.properties");
        Files.writeString(file, String.join("\n", "clusters = a, b", "a.bootstrap.servers = " + a.bootstrapServers(),
                "b.bootstrap.servers = " + b.bootstrapServers(), "a->b.enabled = true", "a->b.topics = orders",
                "offset.flush.interval.ms = 500", "offset.lag.max = 20", "progress.interval.seconds = 1",
                "emit.checkpoints.interval.seconds = 1", "sync.group.offsets.enabled = true") + "\n");

        produceInBackground();
        mirror = startMirror("mirror-1", file);
        Await.until("some records copied", Duration.ofSeconds(90), () -> total(read(b, "a.orders", Map.of())) >= 300);
        Await.until("lag lines printed", Duration.ofSeconds(30),
                () -> Files.readString(mirror.log()).contains("mirror a->b: orders -> a.orders: lag "));
        mirror.kill(); // mid-stream: the producer goes on
        mirror = null;
        int atKill = produced.get();
        Await.until("more records produced while no mirror runs", Duration.ofSeconds(60), () -> produced.get() >= atKill + 200);
        mirror = startMirror("mirror-2", file);

        // a group consumes part of the topic on a and commits
        Properties group = client(a);
        group.put("group.id", "billing");
        group.put("enable.auto.commit", "false");
        group.put("auto.offset.reset", "earliest");
        try (SluiceConsumer consumer = new SluiceConsumer(group)) {
            consumer.subscribe(List.of("orders"));
            int consumed = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumed < 1000 && System.nanoTime() < deadline) {
                consumed += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(consumed).isGreaterThanOrEqualTo(1000);
            consumer.commitSync();
        }
        Map<TopicPartition, Long> committed;
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(a.bootstrapServers()))) {
            committed = admin.listGroupOffsets("billing").get(30, TimeUnit.SECONDS);
        }
        assertThat(committed).hasSize(3);

        producer.join(120_000);
        assertThat(producerFailure.get()).isNull();
        assertThat(produced.get()).isEqualTo(RECORDS);
        List<List<String>> source = read(a, "orders", Map.of());
        assertThat(total(source)).isEqualTo(RECORDS);
        Await.until("every record on b", Duration.ofSeconds(120),
                () -> read(b, "a.orders", Map.of()).stream().mapToInt(p -> new LinkedHashSet<>(p).size()).sum() == RECORDS);
        List<List<String>> target = read(b, "a.orders", Map.of());
        for (int p = 0; p < 3; p++) {
            // at least once: each partition's records with the repeats removed are the source's, in its order
            assertThat(new ArrayList<>(new LinkedHashSet<>(target.get(p)))).as("partition " + p).isEqualTo(source.get(p));
        }

        // the group's offsets, translated, committed for it on b: it resumes there without skipping
        Map<TopicPartition, Long> onTarget = Await.until("the group's offsets synced to b", Duration.ofSeconds(60), () -> {
            try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(b.bootstrapServers()))) {
                return admin.listGroupOffsets("billing").get(30, TimeUnit.SECONDS);
            }
        }, m -> m.size() == 3);
        Map<Integer, Long> resumeAt = new java.util.HashMap<>();
        Map<Integer, Long> consumedUpTo = new java.util.HashMap<>();
        onTarget.forEach((tp, offset) -> resumeAt.put(tp.partition(), offset));
        committed.forEach((tp, offset) -> consumedUpTo.put(tp.partition(), offset));
        List<List<String>> notConsumed = read(a, "orders", consumedUpTo);
        List<List<String>> readOnTarget = readAsGroup();
        for (int p = 0; p < 3; p++) {
            assertThat(readOnTarget.get(p)).as("partition " + p + " from " + resumeAt.get(p)).containsAll(notConsumed.get(p));
        }
        Set<String> all = new LinkedHashSet<>();
        readOnTarget.forEach(all::addAll);
        assertThat(all.size()).as("the group does not start over on b").isLessThan(RECORDS);
    }

    /** What group "billing" reads of a.orders on b from its committed offsets (none: an error), by partition. */
    private List<List<String>> readAsGroup() {
        Properties p = client(b);
        p.put("group.id", "billing");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "none");
        List<List<String>> out = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (SluiceConsumer consumer = new SluiceConsumer(p)) {
            consumer.subscribe(List.of("a.orders"));
            List<TopicPartition> tps = List.of(new TopicPartition("a.orders", 0), new TopicPartition("a.orders", 1),
                    new TopicPartition("a.orders", 2));
            Map<TopicPartition, Long> end = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.partition()).add(describe(r));
                }
                if (consumer.assignment().size() == 3) {
                    if (end == null) {
                        end = consumer.endOffsets(tps);
                    }
                    Map<TopicPartition, Long> e = end;
                    if (tps.stream().allMatch(tp -> consumer.position(tp) >= e.get(tp))) {
                        return out;
                    }
                }
            }
        }
        throw new AssertionError("group billing did not read a.orders to its end on b: " + out.stream().map(List::size).toList());
    }
}

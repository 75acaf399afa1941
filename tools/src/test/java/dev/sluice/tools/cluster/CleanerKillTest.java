package dev.sluice.tools.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a real broker process while its log cleaner is cleaning (#13), on the {@code file}
 * and the {@code lmdb} storage: each round a keyed workload is written with the cleaner off (every
 * record acknowledged), the broker restarts with its cleaner (throttled by
 * {@code log.cleaner.io.max.bytes.per.second}, so a cleaning takes about a second), which must
 * begin cleaning — after the first round that is resuming after a kill — and the broker is killed
 * at a random moment of it: a random delay after its {@code .cleaned} or {@code .swap} files
 * appeared on disk (file), or into a cleaning the broker logged as begun and not yet as ended. Writing
 * with the cleaner off leaves the whole round dirty for the cleaner, however fast or slow the
 * machine writes. After each kill the broker restarts with the cleaner off, so the disk shows what
 * recovery left: no {@code .cleaned}/{@code .swap} file is left,
 * segments follow each other without overlap or gap in their naming (file), a consumer from the
 * beginning reads offsets in increasing order and ends with the latest acknowledged value of
 * every key, and seeks to random offsets land on the first record at or after them (the indexes
 * agree with the log). A cleaning not seen within a minute fails the test.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CleanerKillTest {
    private static final System.Logger LOG = System.getLogger(CleanerKillTest.class.getName());
    private static final String TOPIC = "kill-cleaned";
    private static final String BEGUN = "Beginning cleaning of " + TOPIC;
    private static final int PARTITIONS = 2;
    private static final int KEYS = 1500;
    private static final int ROUNDS = 3;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private ChildProcess broker;
    private int port;
    private int incarnation;
    private int killedMidCleaning;
    private int leftovers;
    private final Map<Integer, Map<String, String>> expected = new HashMap<>();

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.kill();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void afterAKillDuringCleaningTheLogIsIntactAndConsistent(String storage) throws Exception {
        Random random = new Random(storage.hashCode());
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        start(storage, false);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.bytes", "131072", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "60000"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        for (int round = 0; round < ROUNDS; round++) {
            write(round, random);
            broker.terminate(Duration.ofSeconds(60));
            start(storage, true);
            killDuringCleaning(storage, random);
            // the killed incarnation's log ends where it died: a cleaning begun and not ended
            killedMidCleaning += cleaningInProgress() ? 1 : 0;
            leftovers += storage.equals("file") && (hasFileEnding(".cleaned") || hasFileEnding(".swap")) ? 1 : 0;
            start(storage, false);
            String log = Files.readString(broker.log());
            assertThat(log).as("the restarted broker's log").doesNotContain("SEVERE");
            if (storage.equals("file")) {
                checkSegmentFiles();
            }
            verify(random);
        }
        LOG.log(System.Logger.Level.INFO, "{0}: {1} kills, {2} in the middle of a cleaning, {3} left a cleaning''s files",
                storage, ROUNDS, killedMidCleaning, leftovers);
        assertThat(killedMidCleaning).as("kills in the middle of a cleaning, of %d", ROUNDS).isPositive();
        if (storage.equals("file")) {
            assertThat(leftovers).as("kills that left a cleaning's files for recovery, of %d", ROUNDS).isPositive();
        }
        broker.terminate(Duration.ofSeconds(60));
        broker = null;
        for (int p = 0; p < PARTITIONS; p++) {
            List<ReplicaLog.Batch> batches = ReplicaLog.read(dir.resolve("data"), storage, TOPIC, p).batches();
            for (int i = 1; i < batches.size(); i++) {
                assertThat(batches.get(i).baseOffset()).isGreaterThan(batches.get(i - 1).lastOffset());
            }
        }
    }

    private String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private void start(String storage, boolean cleaner) throws IOException {
        List<String> args = List.of("server", "listeners=PLAINTEXT://127.0.0.1:" + port, "log.dirs=" + dir.resolve("data"),
                "log.storage=" + storage, "log.cleaner.enable=" + cleaner, "log.cleaner.backoff.ms=100",
                "log.cleaner.io.max.bytes.per.second=1500000", "offsets.topic.num.partitions=1",
                "log.retention.check.interval.ms=200");
        broker = ChildProcess.start("broker", dir.resolve("broker-" + (++incarnation) + ".log"), "384m", args);
        broker.awaitReady("Sluice is running: bootstrap.servers=", Duration.ofSeconds(90));
    }

    /** One round of updates of every key of every partition, each acknowledged. */
    private void write(int round, Random random) throws ExecutionException, InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
                "acks", "all", "linger.ms", 5, "batch.size", 16384, "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    for (int k = 0; k < KEYS; k++) {
                        String key = "key-" + k;
                        String value = round + "-" + i + "-" + "v".repeat(150 + random.nextInt(100));
                        sent.add(producer.send(new ProducerRecord<>(TOPIC, p, bytes(key), bytes(value))));
                        expected.computeIfAbsent(p, x -> new HashMap<>()).put(key, value);
                    }
                }
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
    }

    /** Waits until a cleaning of the topic is in progress, then kills the broker at a random point of it. */
    private void killDuringCleaning(String storage, Random random) throws Exception {
        if (storage.equals("file") && random.nextBoolean()) {
            // the moments of the swap procedure: a cleaned segment being written, or renamed for the swap
            Await.until("a .cleaned or .swap file", WAIT, () -> hasFileEnding(".cleaned") || hasFileEnding(".swap"));
            Thread.sleep(random.nextInt(300));
        } else {
            Await.until("a cleaning of " + TOPIC + " in progress", WAIT, this::cleaningInProgress);
            Thread.sleep(random.nextInt(1000));
        }
        broker.kill();
    }

    /** More cleanings of the topic begun than ended, by the broker's log. */
    private boolean cleaningInProgress() throws IOException {
        String log = Files.readString(broker.log());
        return count(log, BEGUN) > count(log, "Cleaned " + TOPIC) + count(log, "Cleaning of " + TOPIC);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    private boolean hasFileEnding(String suffix) throws IOException {
        for (int p = 0; p < PARTITIONS; p++) {
            try (Stream<Path> files = Files.list(dir.resolve("data").resolve(TOPIC + "-" + p))) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(suffix))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** What recovery left: no cleaning's files, each segment's batches inside its own range. */
    private void checkSegmentFiles() throws IOException {
        for (int p = 0; p < PARTITIONS; p++) {
            Path partitionDir = dir.resolve("data").resolve(TOPIC + "-" + p);
            List<Path> segments;
            try (Stream<Path> files = Files.list(partitionDir)) {
                List<Path> all = files.toList();
                assertThat(all).as("files of %s", partitionDir).noneMatch(f -> f.toString().endsWith(".cleaned")
                        || f.toString().endsWith(".swap") || f.toString().endsWith(".swapend"));
                segments = all.stream().filter(f -> f.toString().endsWith(".log")).sorted().toList();
            }
            long previousEnd = -1;
            for (int i = 0; i < segments.size(); i++) {
                long base = Long.parseLong(segments.get(i).getFileName().toString().replace(".log", ""));
                long nextBase = i + 1 < segments.size()
                        ? Long.parseLong(segments.get(i + 1).getFileName().toString().replace(".log", "")) : Long.MAX_VALUE;
                assertThat(base).as("segment %s after offset %d", segments.get(i), previousEnd).isGreaterThan(previousEnd);
                for (long[] batch : batchOffsets(segments.get(i))) {
                    assertThat(batch[0]).as("a batch of %s", segments.get(i)).isGreaterThanOrEqualTo(base).isGreaterThan(previousEnd);
                    assertThat(batch[1]).as("a batch of %s", segments.get(i)).isLessThan(nextBase);
                    previousEnd = batch[1];
                }
            }
        }
    }

    /** Base and last offset of each batch of a segment file. */
    private static List<long[]> batchOffsets(Path segment) throws IOException {
        List<long[]> out = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment)) {
            ByteBuffer header = ByteBuffer.allocate(27).order(ByteOrder.BIG_ENDIAN);
            long position = 0;
            while (position + 27 <= channel.size()) {
                header.clear();
                channel.read(header, position);
                long base = header.getLong(0);
                int length = header.getInt(8);
                if (length <= 0 || position + 12 + length > channel.size()) {
                    break;
                }
                out.add(new long[] {base, base + header.getInt(23)});
                position += 12 + length;
            }
        }
        return out;
    }

    /** Reads every partition from the start and seeks to random offsets. */
    private void verify(Random random) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap(),
                "key.deserializer", ByteArrayDeserializer.class.getName(), "value.deserializer", ByteArrayDeserializer.class.getName(),
                "enable.auto.commit", false))) {
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                Map<String, String> latest = new HashMap<>();
                TreeSet<Long> offsets = new TreeSet<>();
                long previous = -1;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        assertThat(r.offset()).as("offsets of partition %d", p).isGreaterThan(previous);
                        previous = r.offset();
                        offsets.add(r.offset());
                        latest.put(new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
                assertThat(consumer.position(tp)).as("partition %d read to its end", p).isGreaterThanOrEqualTo(end);
                assertThat(latest).as("latest value of every key of partition %d", p).isEqualTo(expected.get(p));
                for (int i = 0; i < 15; i++) {
                    long target = offsets.first() + random.nextLong(offsets.last() - offsets.first() + 1);
                    consumer.seek(tp, target);
                    List<ConsumerRecord<byte[], byte[]>> got = List.of();
                    long seekDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (got.isEmpty() && System.nanoTime() < seekDeadline) {
                        got = consumer.poll(Duration.ofMillis(200)).records(tp);
                    }
                    assertThat(got).as("records after seeking to %d", target).isNotEmpty();
                    assertThat(got.get(0).offset()).as("first record at or after %d", target).isEqualTo(offsets.ceiling(target));
                }
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.sluice.broker.it;

import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * librdkafka, through its command-line client kcat, against a Sluice broker: metadata listing,
 * keyed produce with headers under every codec, consume, and both directions with kafka-clients.
 * Runs only where {@code kcat} is on the PATH (CI installs it).
 */
class KcatCompatibilityTest {
    private static final long TIMEOUT_SECONDS = 30;
    private static final String FORMAT = "%k|%s|%h|%o\\n";

    @TempDir
    static Path dir;
    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(kcatOnPath(), "kcat is not installed");
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false", "log.cleaner.backoff.ms", "100"));
        admin = KafkaClients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void metadataListsTheBrokerAndTopics() throws Exception {
        createTopic("kc-list-a", 3);
        createTopic("kc-list-b", 1);
        Result result = kcat(null, "-L");
        assertThat(result.exitCode).as(result.toString()).isZero();
        assertThat(result.stdout)
                .contains(" 1 brokers:")
                .contains("broker " + broker.nodeId() + " at " + broker.bootstrap())
                .contains("topic \"kc-list-a\" with 3 partitions:")
                .contains("topic \"kc-list-b\" with 1 partitions:")
                .contains("partition 2, leader " + broker.nodeId() + ", replicas: " + broker.nodeId() + ", isrs: " + broker.nodeId());
        assertThat(result.stdout).doesNotContain("Error", "error");
    }

    @ParameterizedTest(name = "codec={0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void kcatProducesKeyedRecordsWithHeadersUnderEveryCodecAndReadsThemBack(String codec) throws Exception {
        String topic = "kc-" + codec;
        createTopic(topic, 1);
        int count = 60;
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < count; i++) {
            input.append("key-").append(i).append(':').append("value ").append(i).append(' ').append("z".repeat(i % 17)).append('\n');
        }
        Result produced = kcat(input.toString(), "-P", "-t", topic, "-p", "0", "-K:", "-H", "source=kcat", "-H", "codec=" + codec,
                "-z", codec, "-X", "enable.idempotence=true");
        assertThat(produced.exitCode).as(produced.toString()).isZero();

        List<String> expected = IntStream.range(0, count)
                .mapToObj(i -> "key-" + i + "|value " + i + " " + "z".repeat(i % 17) + "|source=kcat,codec=" + codec + "|" + i)
                .toList();
        Result consumed = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q", "-f", FORMAT);
        assertThat(consumed.exitCode).as(consumed.toString()).isZero();
        assertThat(consumed.lines()).containsExactlyElementsOf(expected);

        // kcat's batches are stored as it compressed them. librdkafka only uses lz4 when the broker
        // lists FindCoordinator v0 (its marker for "Kafka >= 0.8.2"), which comes with consumer groups.
        CompressionType expectedCodec = codec.equals("lz4") && !advertises(ApiKey.FIND_COORDINATOR)
                ? CompressionType.NONE : CompressionType.forName(codec);
        assertThat(storedCompression(topic)).containsExactly(expectedCodec);

        // and kafka-clients reads what kcat produced
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, count);
            assertThat(records).hasSize(count);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                int i = (int) r.offset();
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("key-" + i);
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("value " + i + " " + "z".repeat(i % 17));
                assertThat(r.headers().lastHeader("source").value()).isEqualTo(utf8("kcat"));
                assertThat(r.headers().lastHeader("codec").value()).isEqualTo(utf8(codec));
            }
        }
    }

    @ParameterizedTest(name = "codec={0}")
    @ValueSource(strings = {"none", "zstd"})
    void kcatReadsWhatKafkaClientsProduced(String codec) throws Exception {
        String topic = "kc-from-java-" + codec;
        createTopic(topic, 2);
        int count = 80;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, utf8("jk" + i), utf8("java value " + i),
                        List.of(new RecordHeader("n", utf8(Integer.toString(i))))));
            }
            producer.flush();
        }
        List<String> lines = new ArrayList<>();
        for (int partition = 0; partition < 2; partition++) {
            Result consumed = kcat(null, "-C", "-t", topic, "-p", Integer.toString(partition), "-o", "beginning", "-e", "-q",
                    "-f", "%p|" + FORMAT);
            assertThat(consumed.exitCode).as(consumed.toString()).isZero();
            lines.addAll(consumed.lines());
        }
        List<String> expected = IntStream.range(0, count)
                .mapToObj(i -> (i % 2) + "|jk" + i + "|java value " + i + "|n=" + i + "|" + (i / 2)).toList();
        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void kcatReadsACompactedTopicWithItsGapsAndTombstones() throws Exception {
        String topic = "kc-compacted";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                "segment.bytes", "2048", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "3600000"))))
                .all().get(20, TimeUnit.SECONDS);
        int keys = 15;
        int rounds = 20;
        Map<String, String> latest = new java.util.TreeMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < keys; k++) {
                    String value = round == rounds - 1 && k % 5 == 0 ? null : "v" + round + "-" + k + "-" + "x".repeat(30);
                    producer.send(new ProducerRecord<>(topic, 0, utf8("key-" + k), value == null ? null : utf8(value))).get();
                    latest.put("key-" + k, value == null ? "NULL" : value);
                }
            }
        }
        // the cleaner removes most of what was written (and never the latest record of a key); read until it is done
        List<String> lines = List.of();
        List<String> before = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Result consumed = kcat(null, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q", "-Z", "-f", "%k|%s|%o\\n");
            assertThat(consumed.exitCode).as(consumed.toString()).isZero();
            lines = consumed.lines();
            if (lines.size() < keys * rounds / 2 && lines.equals(before)) {
                break;
            }
            before = lines;
            Thread.sleep(700);
        }
        assertThat(lines.size()).as("records kcat read after cleaning").isLessThan(keys * rounds / 2).isGreaterThanOrEqualTo(keys);
        Map<String, String> seen = new java.util.TreeMap<>();
        long previous = -1;
        for (String line : lines) {
            String[] parts = line.split("\\|");
            long offset = Long.parseLong(parts[2]);
            assertThat(offset).as(line).isGreaterThan(previous);
            previous = offset;
            seen.put(parts[0], parts[1]);
        }
        assertThat(previous).as("the last record is the last written").isEqualTo(keys * rounds - 1);
        assertThat(seen).isEqualTo(latest);
        // kafka-clients reads the same records at the same offsets
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<String> javaLines = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaClients.pollUntil(consumer, lines.size())) {
                javaLines.add(new String(r.key(), StandardCharsets.UTF_8) + "|"
                        + (r.value() == null ? "NULL" : new String(r.value(), StandardCharsets.UTF_8)) + "|" + r.offset());
            }
            assertThat(javaLines).isEqualTo(lines);
        }
    }

    // ---- helpers

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(20, TimeUnit.SECONDS);
    }

    /** Compression types of the batches in partition 0, read with a raw Fetch. */
    private static Set<CompressionType> storedCompression(String topic) throws IOException {
        try (WireClient client = new WireClient(broker.bootstrap())) {
            Struct partition = WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V,
                    WireClient.fetch(topic, 0, 0, 1 << 20)));
            assertThat(WireClient.error(partition)).isEqualTo(Errors.NONE);
            ByteBuffer records = partition.getRecordsBuffer("Records");
            Set<CompressionType> types = new HashSet<>();
            RecordBatch batch = new RecordBatch();
            for (int position = records.position(); position < records.limit(); position += batch.sizeInBytes()) {
                batch.wrap(records, position);
                types.add(batch.compressionType());
            }
            return types;
        }
    }

    /** Whether the broker lists {@code api} in its ApiVersions answer. */
    private static boolean advertises(ApiKey api) throws IOException {
        try (WireClient client = new WireClient(broker.bootstrap())) {
            Struct response = client.call(ApiKey.API_VERSIONS, WireClient.API_VERSIONS_V, WireClient.apiVersions());
            return response.getArray("ApiKeys").stream().anyMatch(k -> k.getShort("ApiKey") == api.id());
        }
    }

    private static boolean kcatOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(entry, "kcat"))) {
                return true;
            }
        }
        return false;
    }

    record Result(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** Runs kcat against the broker with {@code stdin} as its input; kills it if it outlives the timeout. */
    private static Result kcat(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrap()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "kcat", ".out");
        Path err = Files.createTempFile(dir, "kcat", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("kcat " + args[0] + " did not finish in " + TIMEOUT_SECONDS + " s; stderr: "
                        + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }
}

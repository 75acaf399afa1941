package dev.sluice.compat.kafka3;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The older kafka-clients 3.x line (3.9) against a Sluice broker: admin, produce under every
 * codec and acks setting, consumer positioning, and reading back after a restart. Runs on the
 * class path: the file storage and the codecs are found through their META-INF/services entries.
 */
class Kafka3CompatibilityTest {
    @TempDir
    static Path dir;
    static Map<String, String> settings;
    static Broker broker;

    @BeforeAll
    static void start() throws IOException {
        settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("data").toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("auto.create.topics.enable", "false");
        broker = Broker.start(BrokerConfig.of(settings));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String bootstrap() {
        return broker.bootstrapServers();
    }

    @Test
    void adminCreatesDescribesAndDeletesTopics() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("k3-admin-a", 3, (short) 1), new NewTopic("k3-admin-b", 1, (short) 1)))
                    .all().get(20, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get()).contains("k3-admin-a", "k3-admin-b");
            TopicDescription a = admin.describeTopics(List.of("k3-admin-a")).allTopicNames().get().get("k3-admin-a");
            assertThat(a.partitions()).hasSize(3);
            assertThat(a.partitions()).allSatisfy(p -> {
                assertThat(p.leader().id()).isEqualTo(broker.config().nodeId());
                assertThat(p.replicas()).extracting(n -> n.id()).containsExactly(broker.config().nodeId());
            });
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("k3-admin-a", 1, (short) 1))).all().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicExistsException.class);

            admin.deleteTopics(List.of("k3-admin-a")).all().get(20, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get()).doesNotContain("k3-admin-a").contains("k3-admin-b");
            assertThatThrownBy(() -> admin.describeTopics(List.of("k3-admin-a")).allTopicNames().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    @ParameterizedTest(name = "compression={0} acks={1}")
    @CsvSource({
            "none,all", "none,1", "none,0",
            "gzip,all", "gzip,1", "gzip,0",
            "snappy,all", "snappy,1", "snappy,0",
            "lz4,all", "lz4,1", "lz4,0",
            "zstd,all", "zstd,1", "zstd,0"})
    void keysHeadersAndTimestampsRoundTripUnderEveryCodecAndAcks(String compression, String acks) throws Exception {
        String topic = "k3-" + compression + "-" + acks;
        createTopic(topic, 2);
        int count = 120;
        long baseTs = 1_650_000_000_000L;
        // kafka-clients 3.x refuses idempotence with acks other than all
        boolean idempotent = acks.equals("all");
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent,
                ProducerConfig.LINGER_MS_CONFIG, 5))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, null, baseTs + i, utf8("key-" + i),
                        utf8("value-" + i + "-" + "y".repeat(i % 40)),
                        List.of(new RecordHeader("idx", utf8(Integer.toString(i))), new RecordHeader("empty", null)))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata md = f.get(20, TimeUnit.SECONDS);
                if (!acks.equals("0")) {
                    assertThat(md.offset()).isNotNegative();
                }
            }
        }
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = pollUntil(consumer, count);
            assertThat(records).hasSize(count);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                int i = Integer.parseInt(new String(r.key(), StandardCharsets.UTF_8).substring(4));
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("value-" + i + "-" + "y".repeat(i % 40));
                assertThat(r.timestamp()).isEqualTo(baseTs + i);
                assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                assertThat(r.headers().lastHeader("idx").value()).isEqualTo(utf8(Integer.toString(i)));
                assertThat(r.headers().lastHeader("empty").value()).isNull();
            }
            assertThat(records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).distinct()).hasSize(count);
            for (TopicPartition tp : partitions) {
                List<Long> offsets = records.stream().filter(r -> r.partition() == tp.partition())
                        .map(ConsumerRecord::offset).toList();
                for (int i = 0; i < offsets.size(); i++) {
                    assertThat(offsets.get(i)).as("dense offsets in %s", tp).isEqualTo((long) i);
                }
            }
        }
    }

    @Test
    void assignSeekSeekToBeginningSeekToEndAndOffsetsForTimes() throws Exception {
        String topic = "k3-seek";
        createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(topic, 0, 10_000L + 100L * i, null, utf8("v" + i)));
            }
            producer.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            assertThat(consumer.position(tp)).isEqualTo(40L);
            consumer.seek(tp, 35);
            assertThat(pollUntil(consumer, 5)).extracting(ConsumerRecord::offset).containsExactly(35L, 36L, 37L, 38L, 39L);

            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, 10_000L + 1_250L));
            assertThat(found.get(tp).offset()).isEqualTo(13L);
            assertThat(found.get(tp).timestamp()).isEqualTo(11_300L);
            assertThat(consumer.offsetsForTimes(Map.of(tp, 0L)).get(tp).offset()).isZero();
            assertThat(consumer.offsetsForTimes(Map.of(tp, 1_000_000L)).get(tp)).isNull();
            assertThat(consumer.beginningOffsets(List.of(tp)).get(tp)).isZero();
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).isEqualTo(40L);

            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> all = pollUntil(consumer, 40);
            assertThat(all).hasSize(40);
            for (int i = 0; i < 40; i++) {
                assertThat(all.get(i).offset()).isEqualTo(i);
                assertThat(all.get(i).value()).isEqualTo(utf8("v" + i));
            }
        }
    }

    @Test
    void everythingIsReadBackAfterARestart() throws Exception {
        String topic = "k3-durable";
        createTopic(topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"))) {
            for (int i = 0; i < 150; i++) {
                producer.send(new ProducerRecord<>(topic, utf8("k" + i), utf8("v" + i)));
            }
            producer.flush();
        }
        broker.close();
        broker = Broker.start(BrokerConfig.of(settings));

        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = pollUntil(consumer, 150);
            assertThat(records).hasSize(150);
            assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct()).hasSize(150);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .isEqualTo("v" + new String(r.key(), StandardCharsets.UTF_8).substring(1));
            }
        }
        // an idempotent producer continues the offsets after the restart
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of());
             KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition tp = partitions.get(0);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, 0, null, utf8("after"))).get(20, TimeUnit.SECONDS);
            assertThat(md.offset()).isEqualTo(end);
        }
    }

    // ---- helpers

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
    }

    private static Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(props);
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.putAll(overrides);
        return new KafkaProducer<>(props);
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return new KafkaConsumer<>(props);
    }

    /** Polls until {@code count} records arrived or 20 s passed. */
    private static List<ConsumerRecord<byte[], byte[]>> pollUntil(KafkaConsumer<byte[], byte[]> consumer, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}

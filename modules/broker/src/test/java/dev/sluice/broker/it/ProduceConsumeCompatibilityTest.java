package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kafka-clients producer and consumer against a Sluice broker. */
class ProduceConsumeCompatibilityTest {
    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("message.max.bytes", Integer.toString(256 * 1024)));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(20, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "compression={0} acks={1}")
    @CsvSource({"none,all", "gzip,1", "snappy,all", "lz4,1", "zstd,all", "none,0", "lz4,0"})
    void recordsRoundTripWithKeysHeadersAndTimestamps(String compression, String acks) throws Exception {
        String topic = "rt-" + compression + "-" + acks;
        createTopic(topic, 3, Map.of());
        int count = 300;
        long baseTs = 1_700_000_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression, ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, !acks.equals("0") && acks.equals("all"),
                ProducerConfig.LINGER_MS_CONFIG, 5))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, baseTs + i, utf8("key-" + i),
                        utf8("value-" + i + "-" + "x".repeat(i % 50)),
                        List.of(new RecordHeader("h", utf8("hv" + i)), new RecordHeader("null-header", null)));
                sent.add(producer.send(record));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(20, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                    new TopicPartition(topic, 2));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, count);
            assertThat(records).hasSize(count);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                int i = Integer.parseInt(key.substring(4));
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("value-" + i + "-" + "x".repeat(i % 50));
                assertThat(r.timestamp()).isEqualTo(baseTs + i);
                assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
                assertThat(r.headers().lastHeader("h").value()).isEqualTo(utf8("hv" + i));
                assertThat(r.headers().lastHeader("null-header").value()).isNull();
            }
            // same key → same partition, as Kafka's murmur2 partitioner decides
            assertThat(records.stream().map(ConsumerRecord::partition).distinct()).hasSizeGreaterThan(1);
            // offsets are dense per partition
            for (TopicPartition tp : partitions) {
                List<Long> offsets = records.stream().filter(r -> r.partition() == tp.partition()).map(ConsumerRecord::offset).toList();
                for (int i = 0; i < offsets.size(); i++) {
                    assertThat(offsets.get(i)).isEqualTo((long) i);
                }
            }
        }
    }

    @Test
    void seekAndPositionAndOffsetsForTimes() throws Exception {
        String topic = "seek";
        createTopic(topic, 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, 1000L * i, null, utf8("v" + i)));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            assertThat(consumer.position(tp)).isEqualTo(50L);
            consumer.seek(tp, 42);
            List<ConsumerRecord<byte[], byte[]>> tail = KafkaClients.pollUntil(consumer, 8);
            assertThat(tail).extracting(ConsumerRecord::offset).containsExactly(42L, 43L, 44L, 45L, 46L, 47L, 48L, 49L);

            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, 20_500L));
            assertThat(found.get(tp).offset()).isEqualTo(21L);
            assertThat(found.get(tp).timestamp()).isEqualTo(21_000L);
            assertThat(consumer.offsetsForTimes(Map.of(tp, 10_000_000L)).get(tp)).isNull();
            assertThat(consumer.beginningOffsets(List.of(tp)).get(tp)).isZero();
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).isEqualTo(50L);

            consumer.seekToBeginning(List.of(tp));
            assertThat(KafkaClients.pollUntil(consumer, 50)).hasSize(50).first().extracting(ConsumerRecord::offset).isEqualTo(0L);
        }
    }

    @Test
    void logAppendTimeTopicStampsBrokerTime() throws Exception {
        createTopic("lat", 1, Map.of("message.timestamp.type", "LogAppendTime"));
        long before = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            RecordMetadata md = producer.send(new ProducerRecord<>("lat", 0, 5L, null, utf8("v"))).get();
            assertThat(md.timestamp()).isGreaterThanOrEqualTo(before);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition("lat", 0)));
            ConsumerRecord<byte[], byte[]> r = KafkaClients.pollUntil(consumer, 1).get(0);
            assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(r.timestamp()).isGreaterThanOrEqualTo(before);
        }
    }

    @Test
    void recordsNearTheLimitPassAndOverItFailClearly() throws Exception {
        createTopic("big", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024))) {
            producer.send(new ProducerRecord<>("big", 0, null, new byte[250 * 1024])).get(20, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("big", 0, null, new byte[300 * 1024])).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RecordTooLargeException.class);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of(
                "max.partition.fetch.bytes", 1024))) {
            consumer.assign(List.of(new TopicPartition("big", 0)));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 1);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).value()).hasSize(250 * 1024);
        }
    }

    @Test
    void everythingIsReadBackAfterRestart() throws Exception {
        createTopic("durable", 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>("durable", utf8("k" + i), utf8("v" + i)));
            }
            producer.flush();
        }
        broker = broker.restart();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition("durable", 0), new TopicPartition("durable", 1)));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 200);
            assertThat(records).hasSize(200);
            assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).sorted().distinct()).hasSize(200);
        }
        // and new records continue the offsets
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            RecordMetadata md = producer.send(new ProducerRecord<>("durable", 0, null, utf8("after"))).get();
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
                TopicPartition tp = new TopicPartition("durable", 0);
                assertThat(md.offset()).isEqualTo(consumer.endOffsets(List.of(tp)).get(tp) - 1);
            }
        }
    }

    @Test
    void autoCreatedTopicOnFirstProduce() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            RecordMetadata md = producer.send(new ProducerRecord<>("auto-made", utf8("k"), utf8("v"))).get(20, TimeUnit.SECONDS);
            assertThat(md.offset()).isZero();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            assertThat(consumer.partitionsFor("auto-made", Duration.ofSeconds(10))).hasSize(1);
        }
    }
}

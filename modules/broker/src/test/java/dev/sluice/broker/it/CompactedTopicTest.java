package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A compacted topic end to end with kafka-clients: the broker's cleaner (its own threads, a short
 * backoff) cleans the log while the producer writes, and a consumer reading from the beginning
 * sees the latest value of every key (tombstones included), at increasing offsets, in fewer
 * records than were written. A record without a key is refused with INVALID_RECORD and Kafka's
 * message; a topic that is not compacted still takes it. Runs on both storage backends.
 */
class CompactedTopicTest {
    private static final String TOPIC = "table";
    private static final int KEYS = 40;
    private static final int ROUNDS = 25;

    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aConsumerFromTheBeginningSeesTheLatestValueOfEveryKeyOnFile() throws Exception {
        latestValuePerKey("file");
    }

    @Test
    void aConsumerFromTheBeginningSeesTheLatestValueOfEveryKeyOnLmdb() throws Exception {
        latestValuePerKey("lmdb");
    }

    private void latestValuePerKey(String storage) throws Exception {
        broker = TestBroker.start(dir, Map.of("log.cleaner.backoff.ms", "50", "log.storage", storage,
                "log.retention.check.interval.ms", "100"));
        try (Admin admin = KafkaClients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(),
                     Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 512, ProducerConfig.LINGER_MS_CONFIG, 0));
             KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.bytes", "4096", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "3600000"))))
                    .all().get();
            Map<String, String> expected = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    String value = round == ROUNDS - 1 && k % 7 == 0 ? null : "value-" + round + "-" + k;
                    producer.send(new ProducerRecord<>(TOPIC, 0, bytes(key), value == null ? null : bytes(value))).get();
                    expected.put(key, value);
                }
            }
            int written = KEYS * ROUNDS;

            Map<String, String> seen = null;
            int records = written;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records >= written * 3 / 4 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                List<ConsumerRecord<byte[], byte[]>> all = readFromBeginning(consumer, written);
                records = all.size();
                seen = latest(all);
            }
            assertThat(records).as("records left after cleaning").isLessThan(written * 3 / 4).isGreaterThanOrEqualTo(KEYS);
            assertThat(seen).isEqualTo(expected);

            // the idempotent producer goes on after its older batches were cleaned away
            producer.send(new ProducerRecord<>(TOPIC, 0, bytes("key-1"), bytes("after"))).get();
            assertThat(latest(readFromBeginning(consumer, written + 1))).containsEntry("key-1", "after");
        }
    }

    @Test
    void aRecordWithoutAKeyIsRefusedWithKafkasMessage() throws Exception {
        broker = TestBroker.start(dir, Map.of());
        try (Admin admin = KafkaClients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact,delete")),
                    new NewTopic("plain", 1, (short) 1))).all().get();

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, 0, null, bytes("no key"))).get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("Compacted topic cannot accept message without key in topic partition table-0");
            assertThat(producer.send(new ProducerRecord<>(TOPIC, 0, bytes("k"), bytes("keyed"))).get().offset()).isZero();
            assertThat(producer.send(new ProducerRecord<>("plain", 0, null, bytes("no key"))).get().offset()).isZero();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readFromBeginning(KafkaConsumer<byte[], byte[]> consumer, long end) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (consumer.position(tp) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                out.add(r);
            }
        }
        long previous = -1;
        for (ConsumerRecord<byte[], byte[]> r : out) {
            assertThat(r.offset()).isGreaterThan(previous);
            previous = r.offset();
        }
        return out;
    }

    private static Map<String, String> latest(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.put(new String(r.key(), StandardCharsets.UTF_8), r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Produce limits a kafka-clients producer must see as Kafka's non-retriable errors (#19 items 4 and 7):
 * timestamps outside {@code message.timestamp.before/after.max.ms} and batches larger than {@code segment.bytes}.
 */
class ProduceLimitsTest {
    private static final long YEAR_MS = Duration.ofDays(365).toMillis();

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get(20, TimeUnit.SECONDS);
        }
    }

    private RecordMetadata send(String topic, long timestamp, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            return producer.send(new ProducerRecord<>(topic, null, timestamp, null, value)).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBatchStampedYearsAheadIsRefusedWithInvalidTimestampNamingTheBound() throws Exception {
        createTopic("future", Map.of());
        long now = System.currentTimeMillis();
        assertThatThrownBy(() -> send("future", now + 5 * YEAR_MS, new byte[10]))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidTimestampException.class)
                .hasMessageContaining("message.timestamp.after.max.ms=3600000");
        // within the default hour ahead is fine, and the refused batch was not stored
        RecordMetadata ok = send("future", now + Duration.ofMinutes(30).toMillis(), new byte[10]);
        assertThat(ok.offset()).isZero();
    }

    @Test
    void topicBoundsOverrideTheBrokerDefaultsAndLogAppendTimeTopicsAreNotChecked() throws Exception {
        createTopic("recent-only", Map.of("message.timestamp.before.max.ms", Long.toString(Duration.ofDays(1).toMillis())));
        long now = System.currentTimeMillis();
        assertThatThrownBy(() -> send("recent-only", now - 2 * Duration.ofDays(1).toMillis(), new byte[10]))
                .cause().isInstanceOf(InvalidTimestampException.class)
                .hasMessageContaining("message.timestamp.before.max.ms=86400000");
        assertThat(send("recent-only", now - Duration.ofHours(1).toMillis(), new byte[10]).offset()).isZero();

        createTopic("append-time", Map.of("message.timestamp.type", "LogAppendTime"));
        assertThat(send("append-time", now + 5 * YEAR_MS, new byte[10]).offset()).isZero();
    }

    @Test
    void aBatchLargerThanSegmentBytesFailsPromptlyWithRecordListTooLarge() throws Exception {
        createTopic("small-segments", Map.of("segment.bytes", "1024"));
        long start = System.nanoTime();
        // the producer's delivery timeout is 20 s: a retriable error would keep it retrying that long
        assertThatThrownBy(() -> send("small-segments", System.currentTimeMillis(), new byte[4000]))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RecordBatchTooLargeException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(send("small-segments", System.currentTimeMillis(), new byte[100]).offset()).isZero();
    }
}

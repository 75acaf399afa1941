package dev.sluice.client;

import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.NoOffsetForPartitionException;
import dev.sluice.client.consumer.OffsetAndTimestamp;
import dev.sluice.client.consumer.OffsetResetStrategy;
import dev.sluice.client.consumer.SluiceConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kafka-clients' producer writes; our consumer reads back exactly what was sent. */
class ConsumerCompatibilityTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private SluiceConsumer consumer(OffsetResetStrategy reset, int maxPollRecords) {
        return new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(broker.bootstrap())
                .autoOffsetReset(reset).maxPollRecords(maxPollRecords).fetchMaxWaitMs(100)
                .maxPartitionFetchBytes(4096).build());
    }

    static List<ConsumerRecord> pollUntil(SluiceConsumer consumer, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void weReadWhatKafkaProducedByteForByte(String codec) throws Exception {
        String topic = "kafka-to-ours-" + codec;
        KafkaClients.createTopic(broker.bootstrap(), topic, 2);
        int count = 400;
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        List<RecordMetadata> acked = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(),
                Map.of("compression.type", codec, "linger.ms", 10))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] key = i % 9 == 0 ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
                byte[] value = i % 13 == 0 ? null : ("v" + i + "-" + "y".repeat(i % 40)).getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, i % 2, 1_600_000_000_000L + i * 7L, key, value,
                        i % 4 == 0 ? List.of(new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8))) : List.of());
                sent.add(r);
                futures.add(producer.send(r));
            }
            for (Future<RecordMetadata> f : futures) {
                acked.add(f.get());
            }
        }
        try (SluiceConsumer consumer = consumer(OffsetResetStrategy.EARLIEST, 37)) {
            consumer.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
            List<ConsumerRecord> received = pollUntil(consumer, count);
            assertThat(received).hasSize(count);
            for (int i = 0; i < count; i++) {
                RecordMetadata md = acked.get(i);
                ConsumerRecord got = received.stream()
                        .filter(r -> r.partition() == md.partition() && r.offset() == md.offset()).findFirst().orElseThrow();
                ProducerRecord<byte[], byte[]> want = sent.get(i);
                assertThat(got.key()).isEqualTo(want.key());
                assertThat(got.value()).isEqualTo(want.value());
                assertThat(got.timestamp()).isEqualTo(want.timestamp());
                List<Header> headers = new ArrayList<>();
                want.headers().forEach(h -> headers.add(new Header(h.key(), h.value())));
                assertThat(got.headers()).isEqualTo(headers);
            }
            assertThat(consumer.position(new TopicPartition(topic, 0))).isEqualTo(count / 2);
        }
    }

    @Test
    void seekPositionsOffsetLookupsPauseAndResets() throws Exception {
        String topic = "positions";
        KafkaClients.createTopic(broker.bootstrap(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, 1_000L * (i + 1), null, ("m" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        try (SluiceConsumer consumer = consumer(OffsetResetStrategy.LATEST, 10)) {
            consumer.assign(List.of(tp));
            assertThat(consumer.position(tp)).isEqualTo(50); // latest
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 50L);
            assertThat(consumer.offsetsForTimes(Map.of(tp, 20_500L))).containsEntry(tp, new OffsetAndTimestamp(20, 21_000L));
            assertThat(consumer.offsetsForTimes(Map.of(tp, 999_999L)).get(tp)).isNull();

            consumer.seek(tp, 45);
            assertThat(pollUntil(consumer, 5)).extracting(ConsumerRecord::offset).containsExactly(45L, 46L, 47L, 48L, 49L);

            consumer.seekToBeginning(List.of());
            List<ConsumerRecord> first = consumer.poll(Duration.ofSeconds(10)).records(tp);
            assertThat(first).hasSize(10); // max.poll.records
            assertThat(first.get(0).offset()).isZero();

            consumer.pause(List.of(tp));
            assertThat(consumer.poll(Duration.ofMillis(300)).isEmpty()).isTrue();
            consumer.resume(List.of(tp));
            assertThat(consumer.poll(Duration.ofSeconds(10)).records(tp).get(0).offset()).isEqualTo(10);

            consumer.seekToEnd(List.of(tp));
            assertThat(consumer.position(tp)).isEqualTo(50);
            consumer.seek(tp, 10_000); // out of range: auto.offset.reset=latest moves back to the end
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.position(tp) == 10_000 && System.nanoTime() < deadline) {
                assertThat(consumer.poll(Duration.ofMillis(100)).isEmpty()).isTrue();
            }
            assertThat(consumer.position(tp)).isEqualTo(50);
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrap());
        props.put("auto.offset.reset", "none");
        props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        try (SluiceConsumer consumer = new SluiceConsumer(props)) {
            consumer.assign(List.of(tp));
            assertThatThrownBy(() -> consumer.poll(Duration.ofMillis(100))).isInstanceOf(NoOffsetForPartitionException.class);
            consumer.seek(tp, 48);
            assertThat(pollUntil(consumer, 2)).extracting(ConsumerRecord::offset).containsExactly(48L, 49L);
        }
    }
}

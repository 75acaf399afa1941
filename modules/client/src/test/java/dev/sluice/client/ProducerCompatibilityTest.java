package dev.sluice.client;

import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.record.Header;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.RecordMetadata;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Our producer writes; kafka-clients' consumer reads back exactly what was sent. */
class ProducerCompatibilityTest {
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

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void kafkaConsumerReadsWhatWeProducedByteForByte(CompressionType compression) throws Exception {
        String topic = "ours-to-kafka-" + compression.configName();
        KafkaClients.createTopic(broker.bootstrap(), topic, 3);
        int count = 300;
        List<ProducerRecord> sent = new ArrayList<>();
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder()
                .bootstrapServers(broker.bootstrap()).compression(compression).lingerMs(20).build())) {
            for (int i = 0; i < count; i++) {
                byte[] key = i % 10 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
                byte[] value = i % 17 == 0 ? null : ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
                List<Header> headers = i % 3 == 0 ? List.of(new Header("h" + i, ("hv" + i).getBytes(StandardCharsets.UTF_8)),
                        new Header("null-valued", null)) : List.of();
                ProducerRecord record = new ProducerRecord(topic, i % 7 == 0 ? 1 : null, 1_700_000_000_000L + i, key, value, headers);
                sent.add(record);
                futures.add(producer.send(record));
            }
            producer.flush();
        }
        List<RecordMetadata> acked = futures.stream().map(CompletableFuture::join).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap())) {
            consumer.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2)));
            List<ConsumerRecord<byte[], byte[]>> received = KafkaClients.pollUntil(consumer, count);
            assertThat(received).hasSize(count);
            for (int i = 0; i < count; i++) {
                RecordMetadata md = acked.get(i);
                ConsumerRecord<byte[], byte[]> got = received.stream()
                        .filter(r -> r.partition() == md.partition() && r.offset() == md.offset()).findFirst().orElseThrow();
                ProducerRecord want = sent.get(i);
                assertThat(got.key()).isEqualTo(want.key());
                assertThat(got.value()).isEqualTo(want.value());
                assertThat(got.timestamp()).isEqualTo(want.timestamp());
                List<Header> headers = new ArrayList<>();
                got.headers().forEach(h -> headers.add(new Header(h.key(), h.value())));
                assertThat(headers).isEqualTo(want.headers());
                if (want.partition() != null) {
                    assertThat(got.partition()).isEqualTo(want.partition());
                }
            }
        }
    }
}

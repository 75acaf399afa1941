package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log whose cleaning fails is left uncleanable and the cleaner goes on with the others (Kafka's
 * uncleanable partitions, KIP-346): with {@code log.cleaner.dedupe.buffer.size} at its minimum
 * (42 keys), a topic written in batches of hundreds of records cannot be cleaned; it stays the
 * dirtiest log, yet another compacted topic still gets cleaned, and the failed one keeps every record.
 */
class UncleanableLogTest {
    private static final String SMALL = "small-batches";
    private static final String LARGE = "large-batches";

    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void aLogThatCannotBeCleanedDoesNotStopTheCleaningOfOthers(String storage) throws Exception {
        broker = TestBroker.start(dir, Map.of("log.storage", storage, "log.cleaner.backoff.ms", "50",
                "log.cleaner.dedupe.buffer.size", "1024"));
        Map<String, String> compacted = Map.of("cleanup.policy", "compact", "segment.bytes", "1024",
                "min.cleanable.dirty.ratio", "0.01");
        try (Admin admin = KafkaClients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> oneByOne = KafkaClients.producer(broker.bootstrap(), Map.of());
             KafkaProducer<byte[], byte[]> batched = KafkaClients.producer(broker.bootstrap(),
                     Map.of(ProducerConfig.LINGER_MS_CONFIG, 5_000, ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20))) {
            admin.createTopics(List.of(new NewTopic(SMALL, 1, (short) 1).configs(compacted), new NewTopic(LARGE, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact", "segment.bytes", "8192", "min.cleanable.dirty.ratio", "0.01"))))
                    .all().get();
            writeOneByOne(oneByOne);
            await("the small batches' topic cleaned", () -> KafkaClients.recordsFromTheStart(broker.bootstrap(), SMALL) < 100);

            for (int batch = 0; batch < 3; batch++) { // each flush one batch of 200 records (about 5 kB, one a segment)
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    sent.add(batched.send(new ProducerRecord<>(LARGE, 0, bytes("key-" + i), bytes("value-" + batch + "-" + i))));
                }
                batched.flush();
                for (Future<RecordMetadata> f : sent) {
                    f.get();
                }
            }
            // the large batches' log (dirty ratio 1) is now dirtier than the small batches' one (a clean part and 200 dirty records)
            writeOneByOne(oneByOne);
            await("the small batches' topic cleaned again", () -> KafkaClients.recordsFromTheStart(broker.bootstrap(), SMALL) < 100);
            assertThat(KafkaClients.recordsFromTheStart(broker.bootstrap(), LARGE)).as("the uncleanable log keeps every record").isEqualTo(600);
        }
    }

    private static void writeOneByOne(KafkaProducer<byte[], byte[]> producer) throws Exception {
        for (int i = 0; i < 200; i++) {
            producer.send(new ProducerRecord<>(SMALL, 0, bytes("key-" + i % 10), bytes("value-" + i + "-" + "v".repeat(40)))).get();
        }
    }



    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

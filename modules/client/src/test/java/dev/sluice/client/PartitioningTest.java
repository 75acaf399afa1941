package dev.sluice.client;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.RecordMetadata;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.client.producer.partition.Murmur2;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class PartitioningTest {
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

    @Test
    void murmur2MatchesKafkaForManyKeys() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] key = new byte[random.nextInt(64)];
            random.nextBytes(key);
            assertThat(Murmur2.hash(key)).isEqualTo(Utils.murmur2(key));
            for (int partitions : new int[]{1, 3, 7, 12, 100}) {
                assertThat(Murmur2.partition(key, partitions)).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % partitions);
            }
        }
    }

    @Test
    void keyedRecordsLandWhereKafkaWouldPutThem() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "keyed", 7);
        try (SluiceProducer producer = producer("default")) {
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                byte[] key = ("user-" + i).getBytes(StandardCharsets.UTF_8);
                keys.add(key);
                sends.add(producer.send(ProducerRecord.of("keyed", key, new byte[]{1})));
            }
            for (int i = 0; i < keys.size(); i++) {
                assertThat(sends.get(i).join().partition()).isEqualTo(Utils.toPositive(Utils.murmur2(keys.get(i))) % 7);
            }
        }
    }

    @Test
    void nullKeysStickToAPartitionPerBatchAndSpreadAcrossBatches() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "sticky", 4);
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap())
                .batchSize(1024).lingerMs(1000).build())) {
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                sends.add(producer.send(ProducerRecord.of("sticky", new byte[100])));
            }
            producer.flush();
            Set<Integer> used = new HashSet<>();
            int switches = 0;
            int previous = -1;
            for (CompletableFuture<RecordMetadata> s : sends) {
                int p = s.join().partition();
                used.add(p);
                switches += p != previous ? 1 : 0;
                previous = p;
            }
            assertThat(used).hasSizeGreaterThan(1);          // spread across batches
            assertThat(switches).isLessThanOrEqualTo(400 / 8); // but a whole batch (~9 records) per partition
        }
    }

    @Test
    void customPartitionerByClassNameAndBuiltInByProviderName() throws Exception {
        KafkaClients.createTopic(broker.bootstrap(), "custom", 3);
        try (SluiceProducer producer = producer(AllToLastPartitioner.class.getName())) {
            assertThat(producer.partitionerName()).isEqualTo("all-to-last");
            for (int i = 0; i < 20; i++) {
                assertThat(producer.send(ProducerRecord.of("custom", ("k" + i).getBytes(StandardCharsets.UTF_8), null))
                        .join().partition()).isEqualTo(2);
            }
        }
        try (SluiceProducer producer = producer("round-robin")) { // found through ServiceLoader
            assertThat(producer.partitionerName()).isEqualTo("round-robin");
            List<Integer> partitions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                partitions.add(producer.send(ProducerRecord.of("custom", "same".getBytes(StandardCharsets.UTF_8), null)).join().partition());
            }
            assertThat(partitions).containsExactly(0, 1, 2, 0, 1, 2);
        }
    }

    private static SluiceProducer producer(String partitioner) {
        return new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap())
                .set("partitioner.class", partitioner).lingerMs(0).build());
    }
}

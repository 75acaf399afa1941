package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LMDB plugin chosen by configuration alone: a topic on LMDB beside topics on files, and a
 * broker whose logs and committed offsets all live in LMDB, each surviving a restart.
 */
class LmdbStorageBrokerTest {
    @TempDir
    Path dir;

    @Test
    void aTopicOnLmdbBesideATopicOnFiles() throws Exception {
        TestBroker broker = TestBroker.start(dir, Map.of());
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("on-lmdb", 2, (short) 1).configs(Map.of("storage.engine", "lmdb")),
                    new NewTopic("on-files", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
        GroupTestSupport.produceNumbered(broker.bootstrap(), "on-lmdb", 300);
        GroupTestSupport.produceNumbered(broker.bootstrap(), "on-files", 50);
        broker = broker.restart();
        try {
            assertThat(readAll(broker.bootstrap(), "on-lmdb", 2)).hasSize(300);
            assertThat(readAll(broker.bootstrap(), "on-files", 1)).hasSize(50);
            Path data = dir.resolve("data");
            assertThat(data.resolve("lmdb").resolve("data.mdb")).exists();
            assertThat(data.resolve("on-files-0")).isDirectory();
            assertThat(Files.exists(data.resolve("on-lmdb-0"))).isFalse();
        } finally {
            broker.close();
        }
    }

    @Test
    void logsAndCommittedOffsetsAllInLmdb() throws Exception {
        Map<String, String> settings = new HashMap<>(GroupTestSupport.FAST_GROUPS);
        settings.put("log.storage", "lmdb");
        settings.put("offsets.store", "lmdb");
        TestBroker broker = TestBroker.start(dir, settings);
        TopicPartition tp = new TopicPartition("events", 0);
        try {
            GroupTestSupport.createTopic(broker.bootstrap(), "events", 1);
            GroupTestSupport.produceNumbered(broker.bootstrap(), "events", 40);
            try (KafkaConsumer<byte[], byte[]> consumer = GroupTestSupport.groupConsumer(broker.bootstrap(), "g", Map.of())) {
                consumer.subscribe(List.of("events"));
                List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 40);
                assertThat(records).hasSize(40);
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(25, "meta")));
            }
            broker = broker.restart();
            try (KafkaConsumer<byte[], byte[]> consumer = GroupTestSupport.groupConsumer(broker.bootstrap(), "g", Map.of())) {
                OffsetAndMetadata committed = consumer.committed(Set.of(tp), Duration.ofSeconds(15)).get(tp);
                assertThat(committed.offset()).isEqualTo(25L);
                assertThat(committed.metadata()).isEqualTo("meta");
            }
            assertThat(readAll(broker.bootstrap(), "events", 1)).hasSize(40);
        } finally {
            broker.close();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            List<TopicPartition> tps = new java.util.ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long expected = consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
            return KafkaClients.pollUntil(consumer, (int) expected);
        }
    }
}

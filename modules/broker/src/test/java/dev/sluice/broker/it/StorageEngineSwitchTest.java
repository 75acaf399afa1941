package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static dev.sluice.broker.it.GroupTestSupport.createTopic;
import static dev.sluice.broker.it.GroupTestSupport.produceNumbered;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarting a data directory with another {@code log.storage} (issue #18): topics keep the engine
 * they were created on, with their records and their groups' offsets; only new topics take the new
 * default; the broker says at start-up which topics stay on another engine.
 */
class StorageEngineSwitchTest {
    @TempDir
    Path dir;

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger partitionManagerLog = Logger.getLogger("dev.sluice.broker.partition.PartitionManager");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        partitionManagerLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        partitionManagerLog.removeHandler(capture);
    }

    @Test
    void topicsKeepTheEngineTheyWereCreatedOnWhenLogStorageChanges() throws Exception {
        TestBroker broker = TestBroker.start(dir, FAST_GROUPS);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            createTopic(broker.bootstrap(), "orders", 2);
            produceNumbered(broker.bootstrap(), "orders", 30);
            committed = commitEverything(broker.bootstrap(), "billing", "orders", 30);
        } finally {
            broker.close();
        }

        broker = TestBroker.start(dir, withStorage("lmdb"));
        try {
            assertThat(readAll(broker.bootstrap(), "orders", 2)).hasSize(30);
            assertThat(committedOffsets(broker.bootstrap(), "billing")).isEqualTo(committed);
            assertThat(logged).anySatisfy(m -> assertThat(m).contains("'file' log storage")
                    .contains("log.storage=lmdb").contains("orders").contains("__consumer_offsets"));
            assertThat(engineOf(broker.bootstrap(), "orders")).isEqualTo("file");
            // the new default applies to new topics
            createTopic(broker.bootstrap(), "invoices", 1);
            produceNumbered(broker.bootstrap(), "invoices", 10);
            assertThat(engineOf(broker.bootstrap(), "invoices")).isEqualTo("lmdb");
        } finally {
            broker.close();
        }
        assertThat(dir.resolve("data/invoices-0")).doesNotExist();
        assertThat(dir.resolve("data/lmdb/data.mdb")).exists();

        logged.clear();
        broker = TestBroker.start(dir, FAST_GROUPS); // back to file: the LMDB topic stays there
        try {
            assertThat(readAll(broker.bootstrap(), "orders", 2)).hasSize(30);
            assertThat(readAll(broker.bootstrap(), "invoices", 1)).hasSize(10);
            assertThat(committedOffsets(broker.bootstrap(), "billing")).isEqualTo(committed);
            assertThat(logged).anySatisfy(m -> assertThat(m).contains("'lmdb' log storage")
                    .contains("log.storage=file").contains("invoices").doesNotContain("orders"));
        } finally {
            broker.close();
        }
    }

    /** A catalogue written before engines were recorded: the engine holding the data is found and recorded. */
    @Test
    void aCatalogueWithoutEnginesIsResolvedFromTheStoredData() throws Exception {
        TestBroker broker = TestBroker.start(dir, FAST_GROUPS);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            createTopic(broker.bootstrap(), "orders", 2);
            produceNumbered(broker.bootstrap(), "orders", 30);
            committed = commitEverything(broker.bootstrap(), "billing", "orders", 30);
        } finally {
            broker.close();
        }
        Path topicsDir = dir.resolve("data/.topics");
        List<Path> entries;
        try (var files = Files.list(topicsDir)) {
            entries = files.filter(f -> f.toString().endsWith(".topic")).toList();
        }
        assertThat(entries).hasSize(2); // orders and __consumer_offsets
        for (Path entry : entries) {
            List<String> lines = new ArrayList<>(Files.readAllLines(entry));
            assertThat(lines.removeIf(l -> l.startsWith("storage.engine="))).isTrue();
            Files.write(entry, lines);
        }

        broker = TestBroker.start(dir, withStorage("lmdb"));
        try {
            assertThat(readAll(broker.bootstrap(), "orders", 2)).hasSize(30);
            assertThat(committedOffsets(broker.bootstrap(), "billing")).isEqualTo(committed);
        } finally {
            broker.close();
        }
        for (Path entry : entries) {
            assertThat(Files.readAllLines(entry)).contains("storage.engine=file");
        }
    }

    private static Map<String, String> withStorage(String engine) {
        Map<String, String> settings = new HashMap<>(FAST_GROUPS);
        settings.put("log.storage", engine);
        return settings;
    }

    private static Map<TopicPartition, OffsetAndMetadata> commitEverything(String bootstrap, String group, String topic,
                                                                           int records) {
        try (KafkaConsumer<byte[], byte[]> consumer = GroupTestSupport.groupConsumer(bootstrap, group, Map.of())) {
            consumer.subscribe(List.of(topic));
            List<Object> seen = new ArrayList<>();
            GroupTestSupport.pollUntil(() -> seen.size() >= records, seen::add, consumer);
            consumer.commitSync();
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(bootstrap, group);
        assertThat(committed).hasSize(2);
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(records);
        return committed;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String bootstrap, String group) {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String engineOf(String bootstrap, String topic) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(20, TimeUnit.SECONDS).get(resource);
            ConfigEntry entry = config.get("storage.engine");
            return entry.value();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
            List<TopicPartition> tps = new ArrayList<>();
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

package dev.sluice.client;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kafka Streams (Apache 4.1.1) KTable restored from a changelog the broker's cleaner compacted
 * (#13): the application materializes a table of the latest value per key (deletes included) with
 * a compacted changelog (Streams creates it with {@code cleanup.policy=compact}; small segments so
 * the cleaner gets to it); once the cleaner has shrunk the changelog, the application is stopped,
 * its state directory wiped, and a new instance restores the table from the changelog alone: it
 * restores fewer records than were written, and the restored table is exactly the latest value of
 * every key.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaStreamsTableRestoreTest {
    private static final String IN = "prices";
    private static final String APP = "price-table";
    private static final String STORE = "latest-prices";
    private static final String CHANGELOG = APP + "-" + STORE + "-changelog";
    private static final int KEYS = 30;
    private static final int ROUNDS = 20;

    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("offsets.topic.num.partitions", "2", "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false", "log.cleaner.backoff.ms", "100"));
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(IN, 2))).join();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static KafkaStreams instance(Path stateDir, StateRestoreListener listener) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(IN, Materialized.<String, String>as(Stores.inMemoryKeyValueStore(STORE))
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.String())
                .withCachingDisabled()
                .withLoggingEnabled(Map.of("segment.bytes", "16384", "min.cleanable.dirty.ratio", "0.01")));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.String().getClass());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.String().getClass());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        // Streams does not leave the group on close: the next instance waits for this session to expire
        props.put(StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
        props.put(StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        props.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG), 8192);
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setGlobalStateRestoreListener(listener);
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return streams;
    }

    @Test
    void aKTableRestoredFromItsCompactedChangelogHoldsTheLatestValueOfEveryKey() throws Exception {
        Map<String, String> expected = new TreeMap<>();
        Path stateDir = dir.resolve("state");
        KafkaStreams first = instance(stateDir, new Counting());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()))) {
            first.start();
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "item-" + k;
                    String value = round == ROUNDS - 1 && k % 6 == 0 ? null : "price-" + round + "-" + k + "-" + "p".repeat(200);
                    producer.send(new ProducerRecord<>(IN, key, value));
                    if (value == null) {
                        expected.remove(key);
                    } else {
                        expected.put(key, value);
                    }
                }
            }
            producer.flush();
            await("the first instance's table", () -> table(first).equals(expected));
            // every update went to the changelog; the cleaner shrinks it below half of them
            await("the changelog compacted", () -> changelogRecords() < KEYS * ROUNDS / 2);
        } finally {
            first.close(Duration.ofSeconds(30));
        }
        first.cleanUp();
        deleteRecursively(stateDir);

        Counting restored = new Counting();
        KafkaStreams second = instance(stateDir, restored);
        try {
            second.start();
            await("the restored table", () -> second.state() == KafkaStreams.State.RUNNING && table(second).equals(expected));
            assertThat(restored.records.get()).as("records restored from the compacted changelog")
                    .isLessThan(KEYS * ROUNDS / 2).isGreaterThanOrEqualTo(expected.size());
        } finally {
            second.close(Duration.ofSeconds(30));
        }
    }

    /** Counts what Streams restores from changelogs. */
    private static final class Counting implements StateRestoreListener {
        final AtomicLong records = new AtomicLong();

        @Override
        public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
            records.addAndGet(numRestored);
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        }
    }

    /** The instance's table through interactive queries, or empty while it is not queryable. */
    private static Map<String, String> table(KafkaStreams streams) {
        Map<String, String> out = new TreeMap<>();
        try {
            ReadOnlyKeyValueStore<String, String> store = streams.store(StoreQueryParameters.fromNameAndType(STORE,
                    QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, String> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<String, String> kv = all.next();
                    out.put(kv.key, kv.value);
                }
            }
        } catch (RuntimeException e) {
            return Map.of(); // rebalancing or restoring: not queryable yet
        }
        return out;
    }

    /** Records of the changelog from its start (all partitions). */
    private static int changelogRecords() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = List.of(new TopicPartition(CHANGELOG, 0), new TopicPartition(CHANGELOG, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            int records = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> ignored : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                }
            }
            return records;
        }
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void deleteRecursively(Path path) throws java.io.IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

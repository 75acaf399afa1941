package dev.sluice.client;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apache Kafka Streams word count with {@code processing.guarantee=exactly_once_v2} on a Sluice broker:
 * two instances share the input; one is closed midway and the other takes its partitions over
 * (restoring the counts from the changelog). With the record cache off every input word emits one
 * update, so exactly once means each word's committed updates are exactly 1, 2, ..., its count: no
 * update lost, none repeated, whatever moved.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaStreamsExactlyOnceTest {
    private static final String IN = "wc-lines";
    private static final String OUT = "wc-counts";
    private static final List<String> WORDS = List.of("apple", "banana", "cherry", "date", "elder", "fig", "grape",
            "hazel", "iris", "juniper", "kiwi", "lime");

    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false"));
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(IN, 4), new NewTopic(OUT, 2))).join();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static KafkaStreams instance(String name) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>stream(IN)
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("counts"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream().to(OUT, Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.String().getClass());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.String().getClass());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + name).toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.CLIENT_ID_CONFIG, "wc-" + name);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        return new KafkaStreams(builder.build(), props);
    }

    private static void produce(KafkaProducer<String, String> producer, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            producer.send(new ProducerRecord<>(IN, "line-" + i, lines.get(i)));
        }
        producer.flush();
    }

    @Test
    void wordCountIsExactWhenOneOfTwoInstancesStopsMidway() throws Exception {
        Random random = new Random(42);
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < 600; i++) {
            List<String> line = new ArrayList<>();
            for (int w = 1 + random.nextInt(5); w > 0; w--) {
                String word = WORDS.get(random.nextInt(WORDS.size()));
                line.add(word);
                expected.merge(word, 1L, Long::sum);
            }
            (i < 300 ? first : second).add(String.join(" ", line));
        }
        Map<String, List<Long>> updates = new TreeMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                     "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()));
             KafkaConsumer<String, Long> reader = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                     "group.id", "wc-reader", "isolation.level", "read_committed", "auto.offset.reset", "earliest",
                     "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", LongDeserializer.class.getName()))) {
            reader.subscribe(List.of(OUT));
            KafkaStreams one = instance("one");
            KafkaStreams two = instance("two");
            try {
                one.start();
                two.start();
                produce(producer, first);
                long half = first.stream().mapToLong(l -> l.split(" ").length).sum();
                awaitUpdates(reader, updates, half / 2); // both instances are working on it
                two.close(Duration.ofSeconds(30));
                produce(producer, second);
                awaitUpdates(reader, updates, expected.values().stream().mapToLong(Long::longValue).sum());
            } finally {
                one.close(Duration.ofSeconds(30));
                two.close(Duration.ofSeconds(30));
            }
            long quiet = System.nanoTime() + 2_000_000_000L; // nothing more arrives
            while (System.nanoTime() < quiet) {
                reader.poll(Duration.ofMillis(200)).forEach(r -> updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
            }
        }
        Map<String, Long> last = new TreeMap<>();
        updates.forEach((word, values) -> last.put(word, values.get(values.size() - 1)));
        assertThat(last).isEqualTo(expected);
        updates.forEach((word, values) -> {
            List<Long> oneByOne = new ArrayList<>();
            for (long c = 1; c <= expected.get(word); c++) {
                oneByOne.add(c);
            }
            assertThat(values).as("the committed updates of '%s'", word).isEqualTo(oneByOne);
        });
    }

    private static void awaitUpdates(KafkaConsumer<String, Long> reader, Map<String, List<Long>> updates, long total) {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (updates.values().stream().mapToLong(List::size).sum() < total) {
            assertThat(System.nanoTime()).as("word count updates (%d of %d)",
                    updates.values().stream().mapToLong(List::size).sum(), total).isLessThan(deadline);
            reader.poll(Duration.ofMillis(200)).forEach(r -> updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
        }
    }
}

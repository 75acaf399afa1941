package dev.sluice.streams;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.streams.serde.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

/**
 * The word-count benchmark behind bench/compare-streams.sh (not a test: it runs only with
 * {@code -Dsluice.streams.bench=<bootstrap>}): the same word count in Sluice Streams and in Kafka
 * Streams 4.1 against one broker, rounds in ABBA order. Throughput: LINES lines of 5 words written
 * beforehand, lines per second from the first output record to the last update. Latency: RATE lines/s
 * for SECONDS seconds, each update's delay from the line's CreateTime to its arrival at a consumer of
 * the output. Both with the same kind of store ({@code bench.store}: memory, in-memory stores; persistent,
 * LMDB against RocksDB), every update emitted, commits each second and the producer's linger.ms at Sluice
 * Streams' 10 ms (Kafka Streams' own default is 100 ms, which would add up to 0.1 s per hop to its
 * latency). Prints one tab-separated line per run: {@code RESULT impl lines/s p50ms p99ms}.
 */
class StreamsBenchmark {
    private static final int VOCABULARY = 1000;

    @Test
    void wordCountSluiceVersusKafkaStreams() throws Exception {
        String bootstrap = System.getProperty("sluice.streams.bench");
        Assumptions.assumeTrue(bootstrap != null, "run by bench/compare-streams.sh");
        int lines = Integer.getInteger("bench.lines", 200_000);
        int rate = Integer.getInteger("bench.rate", 1000);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int partitions = Integer.getInteger("bench.partitions", 3);
        int rounds = Integer.getInteger("bench.rounds", 1);
        if (lines < 1 || rate < 1 || seconds < 1) {
            throw new IllegalArgumentException("bench.lines, bench.rate and bench.seconds must be at least 1");
        }
        String only = System.getProperty("bench.only", "");
        boolean persistent = switch (System.getProperty("bench.store", "memory")) {
            case "memory" -> false;
            case "persistent" -> true;
            default -> throw new IllegalArgumentException("bench.store: memory or persistent");
        };
        List<String> order = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            order.addAll(r % 2 == 0 ? List.of("sluice", "kafka") : List.of("kafka", "sluice"));
        }
        int run = 0;
        for (String impl : order) {
            if (!only.isEmpty() && !only.equals(impl)) {
                continue;
            }
            run++;
            String in = "bench-in-" + impl + "-" + run + "-" + System.nanoTime();
            String out = in.replace("bench-in", "bench-out");
            try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(bootstrap))) {
                admin.createTopics(List.of(new NewTopic(in, partitions), new NewTopic(out, partitions))).join();
            }
            produce(bootstrap, in, lines, 0);
            long words = (long) lines * 5;
            try (Output output = new Output(bootstrap, out, partitions); AutoCloseable app = start(impl, bootstrap, in, out, persistent)) {
                long first = output.awaitFirst();
                output.await(words);
                double perSecond = lines / ((output.lastArrival - first) / 1e9);
                output.latencies.clear();
                Thread feeder = new Thread(() -> produce(bootstrap, in, rate * seconds, rate));
                feeder.start();
                output.await(words + (long) rate * seconds * 5); // read while the feeder writes: arrival is arrival
                feeder.join();
                long[] l = output.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "RESULT\t%s\t%.0f\t%d\t%d%n", impl, perSecond, l[l.length / 2],
                        l[(int) (l.length * 0.99)]);
            }
        }
    }

    private static AutoCloseable start(String impl, String bootstrap, String in, String out, boolean persistent)
            throws Exception {
        String state = Files.createTempDirectory("streams-bench").toString();
        if (impl.equals("sluice")) {
            Properties p = new Properties();
            p.put("application.id", "bench-" + in);
            p.put("bootstrap.servers", bootstrap);
            p.put("commit.interval.ms", "1000");
            p.put("state.dir", state);
            p.put("default.dsl.store", persistent ? "lmdb" : "in_memory");
            SluiceStreams s = new SluiceStreams(WordCount.topology(in, out), p);
            s.start();
            return s::close;
        }
        var string = org.apache.kafka.common.serialization.Serdes.String();
        org.apache.kafka.streams.StreamsBuilder kb = new org.apache.kafka.streams.StreamsBuilder();
        kb.<String, String>stream(in, org.apache.kafka.streams.kstream.Consumed.with(string, string))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((k, w) -> w, Grouped.with(string, string))
                .count(Materialized.as("counts"))
                .toStream().to(out, Produced.with(string, org.apache.kafka.common.serialization.Serdes.Long()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + in);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update, as Sluice Streams emits them
        p.put(StreamsConfig.STATE_DIR_CONFIG, state);
        p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, persistent
                ? BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers.class
                : BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        p.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG), 10); // Sluice Streams' producer default
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        KafkaStreams k = new KafkaStreams(kb.build(), p);
        k.start();
        return () -> k.close(Duration.ofSeconds(30));
    }

    /** Lines of five words from a fixed vocabulary; {@code perSecond} 0: as fast as possible. */
    private static void produce(String bootstrap, String topic, int count, int perSecond) {
        Random random = new Random(count);
        long start = System.nanoTime();
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            for (int i = 0; i < count; i++) {
                if (perSecond > 0) {
                    long due = start + i * 1_000_000_000L / perSecond;
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                }
                StringBuilder line = new StringBuilder();
                for (int w = 0; w < 5; w++) {
                    line.append(w == 0 ? "" : " ").append("w").append(random.nextInt(VOCABULARY));
                }
                producer.send(topic, "k" + i, line.toString(), Serdes.string().serializer(), Serdes.string().serializer());
            }
            producer.flush();
        }
    }

    /** Counts the output records and the delay of each from its CreateTime; one reading thread. */
    private static final class Output implements AutoCloseable {
        final List<Long> latencies = new ArrayList<>();
        private final SluiceConsumer consumer;
        private long received;
        long lastArrival;

        Output(String bootstrap, String topic, int partitions) {
            consumer = new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(bootstrap).build());
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
        }

        private void poll() {
            for (ConsumerRecord r : consumer.poll(Duration.ofMillis(50))) {
                received++;
                lastArrival = System.nanoTime();
                latencies.add(System.currentTimeMillis() - r.timestamp());
            }
        }

        long awaitFirst() {
            while (received == 0) {
                poll();
            }
            return lastArrival;
        }

        void await(long total) {
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (received < total && System.nanoTime() < deadline) {
                poll();
            }
            if (received < total) {
                throw new IllegalStateException("only " + received + " of " + total + " updates arrived");
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * Client side of bench/compare-kafka.sh that Kafka's own perf tools do not cover, run from the
 * cached Kafka jars against both brokers (compiled by the script with kafka-clients on the class path).
 *
 * <pre>
 *   BenchClient create-topics BOOTSTRAP PARTITIONS TOPIC...
 *   BenchClient consume BOOTSTRAP TOPIC PARTITIONS RECORDS [ISOLATION_LEVEL]
 *   BenchClient latency BOOTSTRAP TOPIC RECORD_SIZE ACKS RATE WARMUP_SECONDS SECONDS
 *   BenchClient add-scram-user BOOTSTRAP MECHANISM USER PASSWORD
 * </pre>
 *
 * Every client starts from the properties file named by the system property {@code bench.client.config}
 * if it is set (security settings: compare-kafka.sh --sasl-ssl), the command's own settings on top.
 *
 * {@code consume} is an assign-mode replacement for kafka-consumer-perf-test
 * (ConsumerPerformance always subscribes with a group, and Sluice has no group coordinator yet):
 * default consumer settings, no group, reads the partitions from the beginning until RECORDS
 * records have arrived, and prints one line: {@code records bytes seconds MB/s} (MB = 10^6 bytes,
 * bytes = key + value sizes, as ConsumerPerformance counts them). The clock starts before the
 * first poll, so metadata and the first fetch are included. ISOLATION_LEVEL is the consumer's
 * {@code isolation.level} (read_uncommitted unless given; bench/compare-transactions.sh reads
 * read_committed).
 *
 * <p>{@code latency} is ProducerPerformance's latency measurement (time from {@code send()} to its
 * callback, producer defaults plus {@code acks}, the same fixed-rate pacing) with a warm-up that is
 * not recorded: kafka-clients 4.1's ProducerPerformance has no {@code --warmup-records}, and in a
 * fresh client JVM the first seconds (JIT, metadata) otherwise dominate p99. Prints one line:
 * {@code records achieved-rec/s p50-ms p99-ms p99.9-ms max-ms} over the measured records.
 */
public final class BenchClient {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "create-topics" -> createTopics(args[1], Integer.parseInt(args[2]), List.of(args).subList(3, args.length));
            case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]),
                    args.length > 5 ? args[5] : "read_uncommitted");
            case "latency" -> latency(args[1], args[2], Integer.parseInt(args[3]), args[4], Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]));
            case "add-scram-user" -> addScramUser(args[1], ScramMechanism.fromMechanismName(args[2]), args[3], args[4]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** The bench.client.config file's properties (none if unset) with bootstrap.servers. */
    private static Properties clientProperties(String bootstrap) throws IOException {
        Properties props = new Properties();
        String file = System.getProperty("bench.client.config");
        if (file != null) {
            try (Reader in = Files.newBufferedReader(Path.of(file))) {
                props.load(in);
            }
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    private static void createTopics(String bootstrap, int partitions, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(clientProperties(bootstrap))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, partitions, (short) 1));
            }
            admin.createTopics(newTopics).all().get();
        }
    }

    private static void consume(String bootstrap, String topic, int partitions, long records, String isolation)
            throws IOException {
        Properties props = clientProperties(bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        long count = 0;
        long bytes = 0;
        long start = System.nanoTime();
        long end;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = start + Duration.ofMinutes(5).toNanos();
            while (count < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out after " + count + " of " + records + " records");
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    count++;
                    bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                }
            }
            end = System.nanoTime(); // before close()
        }
        double seconds = (end - start) / 1e9;
        System.out.printf("%d %d %.3f %.2f%n", count, bytes, seconds, bytes / 1e6 / seconds);
    }

    private static void latency(String bootstrap, String topic, int recordSize, String acks, int rate,
                                int warmupSeconds, int seconds) throws Exception {
        Properties props = clientProperties(bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        byte[] payload = new byte[recordSize];
        java.util.Random random = new java.util.Random(0);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('A' + random.nextInt(26)); // as ProducerPerformance: random upper-case letters
        }
        int warmup = rate * warmupSeconds;
        int measured = rate * seconds;
        int total = warmup + measured;
        long[] latencyMicros = new long[measured];
        java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
        long measureStart = 0;
        long measureEnd;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate); // fixed schedule: i-th record at i/rate seconds
                long now;
                while ((now = System.nanoTime()) < due) {
                    long wait = due - now;
                    if (wait > 200_000) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } else {
                        Thread.onSpinWait();
                    }
                }
                if (i == warmup) {
                    measureStart = now;
                }
                final int slot = i - warmup;
                final long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, payload), (metadata, e) -> {
                    if (e != null) {
                        errors.incrementAndGet();
                    } else if (slot >= 0) {
                        latencyMicros[slot] = (System.nanoTime() - sent) / 1000;
                    }
                });
            }
            producer.flush();
            measureEnd = System.nanoTime();
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " sends failed");
        }
        Arrays.sort(latencyMicros);
        System.out.printf("%d %.1f %.2f %.2f %.2f %.2f%n", measured, measured / ((measureEnd - measureStart) / 1e9),
                pct(latencyMicros, 0.50), pct(latencyMicros, 0.99), pct(latencyMicros, 0.999),
                latencyMicros[measured - 1] / 1000.0);
    }

    /**
     * Adds (or replaces) a SCRAM user with 4096 iterations, then waits until the broker describes it: a KRaft
     * broker learns of it from the metadata log a moment after the controller accepted it.
     */
    private static void addScramUser(String bootstrap, ScramMechanism mechanism, String user, String password)
            throws Exception {
        try (Admin admin = Admin.create(clientProperties(bootstrap))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(mechanism, 4096), password))).all().get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    if (admin.describeUserScramCredentials(List.of(user)).description(user).get().credentialInfos()
                            .stream().anyMatch(c -> c.mechanism() == mechanism)) {
                        return;
                    }
                } catch (ExecutionException notYet) {
                    // RESOURCE_NOT_FOUND until the broker has the user
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker does not describe SCRAM user " + user + " after 30 s");
                }
                Thread.sleep(100);
            }
        }
    }

    private static double pct(long[] sortedMicros, double p) {
        return sortedMicros[Math.min(sortedMicros.length - 1, (int) (p * sortedMicros.length))] / 1000.0;
    }
}

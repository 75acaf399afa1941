import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The keyed workload of bench/compare-cleaner.sh, the same for Apache Kafka and Sluice (kafka-clients):
 *   create  bootstrap topic segment-bytes          a one-partition compacted topic nothing of which is cleanable yet
 *                                                  (min.compaction.lag.ms one day)
 *   produce bootstrap topic keys records value-size  record i has key i % keys and a value starting with i
 *   trigger bootstrap topic                        min.compaction.lag.ms=0: everything but the active segment is cleanable
 *   verify  bootstrap topic keys records           reads the partition from the start: every key's latest value is the
 *                                                  last one written; prints "records-read keys"
 */
public final class CleanerBenchClient {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[1];
        String topic = args[2];
        switch (args[0]) {
            case "create" -> {
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                            "segment.bytes", args[3], "min.compaction.lag.ms", "86400000")))).all().get();
                }
            }
            case "produce" -> produce(bootstrap, topic, Integer.parseInt(args[3]), Long.parseLong(args[4]), Integer.parseInt(args[5]));
            case "trigger" -> {
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                    admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                            new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET)))).all().get();
                }
            }
            case "verify" -> verify(bootstrap, topic, Integer.parseInt(args[3]), Long.parseLong(args[4]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static byte[] key(long i, int keys) {
        return String.format("key-%09d", i % keys).getBytes(StandardCharsets.UTF_8);
    }

    private static void produce(String bootstrap, String topic, int keys, long records, int valueSize) throws Exception {
        Random random = new Random(42);
        byte[] filler = new byte[Math.max(0, valueSize - 8)];
        random.nextBytes(filler);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "1", "linger.ms", 10, "batch.size", 131072, "compression.type", "none",
                "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName()))) {
            for (long i = 0; i < records; i++) {
                byte[] value = ByteBuffer.allocate(8 + filler.length).putLong(i).put(filler).array();
                producer.send(new ProducerRecord<>(topic, 0, key(i, keys), value));
            }
            producer.flush();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d records in %.1f s (%.0f records/s)%n", records, secs, records / secs);
    }

    private static void verify(String bootstrap, String topic, int keys, long records) {
        TopicPartition tp = new TopicPartition(topic, 0);
        long[] latest = new long[keys];
        java.util.Arrays.fill(latest, -1);
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "key.deserializer", ByteArrayDeserializer.class.getName(), "value.deserializer", ByteArrayDeserializer.class.getName(),
                "enable.auto.commit", false, "max.partition.fetch.bytes", 4 << 20))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    int k = Integer.parseInt(new String(r.key(), StandardCharsets.UTF_8).substring(4));
                    latest[k] = ByteBuffer.wrap(r.value()).getLong();
                    read++;
                }
            }
        }
        for (int k = 0; k < keys; k++) {
            long expected = records - 1 - Math.floorMod(records - 1 - k, (long) keys);
            if (latest[k] != expected) {
                throw new IllegalStateException("key " + k + ": latest value " + latest[k] + ", expected " + expected);
            }
        }
        System.out.println(read + " " + keys);
    }
}

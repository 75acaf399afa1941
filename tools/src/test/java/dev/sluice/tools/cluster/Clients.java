package dev.sluice.tools.cluster;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** kafka-clients producers and consumers as the failure tests use them (string keys and values). */
public final class Clients {
    private Clients() {
    }

    /** An acks=all producer; idempotent or not. */
    public static KafkaProducer<String, String> producer(String bootstrap, boolean idempotent) {
        return producer(bootstrap, idempotent, Map.of());
    }

    public static KafkaProducer<String, String> producer(String bootstrap, boolean idempotent, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent));
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    /** An assign-mode consumer from the earliest offset, no group, reading committed data only. */
    public static KafkaConsumer<String, String> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    }

    /** Reads {@code partitions} of {@code topic} from the start until {@code count} records arrived or {@code timeout} passed. */
    public static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, List<Integer> partitions, int count,
                                                               Duration timeout) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            consumer.assign(partitions.stream().map(p -> new TopicPartition(topic, p)).toList());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}

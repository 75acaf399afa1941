package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers for consumer-group tests: topics with numbered records, group consumers, round-robin polling. */
final class GroupTestSupport {
    /** Broker settings that keep group tests quick: no initial join delay, short sessions allowed. */
    static final Map<String, String> FAST_GROUPS = Map.of(
            "group.initial.rebalance.delay.ms", "0", "group.min.session.timeout.ms", "1000");

    private GroupTestSupport() {
    }

    static void createTopic(String bootstrap, String name, int partitions) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
    }

    /** Produces values "0".."count-1", keyed so they spread over the partitions. */
    static void produceNumbered(String bootstrap, String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, utf8("k" + i), utf8(Integer.toString(i))));
            }
            producer.flush();
        }
    }

    static KafkaConsumer<byte[], byte[]> groupConsumer(String bootstrap, String group, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        // also the rebalance timeout: members that do not rejoin within it are dropped
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15_000);
        props.putAll(overrides);
        return KafkaClients.consumer(bootstrap, props);
    }

    static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Polls every consumer in turn (each poll also drives its group membership) until
     * {@code done} holds; fails after 30 s.
     */
    @SafeVarargs
    static void pollUntil(BooleanSupplier done, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink,
                          KafkaConsumer<byte[], byte[]>... consumers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 30 s");
            }
            for (KafkaConsumer<byte[], byte[]> consumer : consumers) {
                consumer.poll(Duration.ofMillis(100)).forEach(sink);
            }
        }
    }
}

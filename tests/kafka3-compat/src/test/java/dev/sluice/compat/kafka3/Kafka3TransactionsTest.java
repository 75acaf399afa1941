package dev.sluice.compat.kafka3;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kafka-clients 3.9 transactional producers against Sluice (transactions v1, as 4.x uses against
 * it): commit and abort seen by a read_committed consumer, offsets sent to a transaction visible
 * once it commits, and a second instance fencing the first.
 */
class Kafka3TransactionsTest {
    private static final String TOPIC = "k3-txn";

    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("data").toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("transaction.state.log.num.partitions", "3");
        broker = Broker.start(BrokerConfig.of(settings));
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1), new NewTopic("k3-txn-in", 1, (short) 1)))
                    .all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return Admin.create(props);
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return new KafkaProducer<>(props);
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void committedRecordsAndOffsetsAreVisibleAndAbortedOnesAreNot() throws Exception {
        TopicPartition input = new TopicPartition("k3-txn-in", 0);
        try (KafkaProducer<byte[], byte[]> producer = producer("k3-app")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record("aborted"));
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(5)), new ConsumerGroupMetadata("k3-g"));
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(record("committed"));
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(9)), new ConsumerGroupMetadata("k3-g"));
            producer.commitTransaction();
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "k3-g");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
            assertThat(seen).containsExactly("committed");
            // read_committed asks for stable offsets: the committed transaction's
            assertThat(consumer.committed(java.util.Set.of(input))).containsEntry(input, new OffsetAndMetadata(9));
        }
    }

    @Test
    void aSecondInstanceFencesTheFirst() {
        try (KafkaProducer<byte[], byte[]> zombie = producer("k3-fenced");
             KafkaProducer<byte[], byte[]> successor = producer("k3-fenced")) {
            zombie.initTransactions();
            zombie.beginTransaction();
            successor.initTransactions();
            assertThatThrownBy(() -> {
                zombie.send(record("late")).get();
                zombie.commitTransaction();
            }).satisfiesAnyOf(e -> assertThat(e).isInstanceOf(ProducerFencedException.class),
                    e -> assertThat(e).hasCauseInstanceOf(ProducerFencedException.class));
        }
    }
}

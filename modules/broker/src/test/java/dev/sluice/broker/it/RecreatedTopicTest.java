package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19.2 (topic part): a topic deleted and created again under the same name is a new topic
 * (new topic id, leader epochs above the old ones), so a kafka-clients consumer positioned in the
 * old one notices and starts the new one from its beginning instead of reading on from its old
 * position as if the log had continued.
 */
class RecreatedTopicTest {
    private static final String TOPIC = "phoenix";

    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void produce(KafkaProducer<byte[], byte[]> producer, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(TOPIC, 0, null, (prefix + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    @Test
    void anAssignedConsumerReadsAllOfTheRecreatedTopicFromItsStart() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of());
             KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            Uuid oldId = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
            produce(producer, "old-", 100);
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            assertThat(KafkaClients.pollUntil(consumer, 100)).hasSize(100);
            assertThat(consumer.position(new TopicPartition(TOPIC, 0))).isEqualTo(100);

            admin.deleteTopics(List.of(TOPIC)).all().get();
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            Uuid newId = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
            assertThat(newId).isNotEqualTo(oldId);
            // more records than the old position: reading on from offset 100 would silently skip 100 of them
            produce(producer, "new-", 300);

            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 300 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            assertThat(values).as("the whole new topic, from its first record").hasSize(300);
            assertThat(values.get(0)).isEqualTo("new-0");
            assertThat(values.get(299)).isEqualTo("new-299");
        }
    }

    @Test
    void theRecreatedTopicsLeaderEpochIsAboveTheDeletedOnesAcrossARestart() throws Exception {
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        int first = broker.broker().partitions().partition(TOPIC, 0).orElseThrow().leaderEpoch();
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.deleteTopics(List.of(TOPIC)).all().get();
        }
        broker.close();
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        int second = broker.broker().partitions().partition(TOPIC, 1).orElseThrow().leaderEpoch();
        assertThat(second).isGreaterThan(first);
        broker.close();
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        assertThat(broker.broker().partitions().partition(TOPIC, 0).orElseThrow().leaderEpoch())
                .as("kept across a restart").isEqualTo(second);
    }

    @Test
    void aGroupWhoseCommittedOffsetPointsIntoTheDeletedTopicStartsTheNewOneFromItsStart() throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        Map<String, Object> group = Map.of("group.id", "phoenix-readers");
        try (Admin admin = KafkaClients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            produce(producer, "old-", 100);
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), group)) {
                consumer.subscribe(List.of(TOPIC));
                assertThat(KafkaClients.pollUntil(consumer, 100)).hasSize(100);
                consumer.commitSync();
            }
            admin.deleteTopics(List.of(TOPIC)).all().get();
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            produce(producer, "new-", 300);
        }
        // whether or not the group's offsets of the deleted topic were removed with it, the group
        // must not resume at offset 100 of the new topic
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), group)) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 300);
            assertThat(records).hasSize(300);
            assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("new-0");
            assertThat(consumer.position(tp)).isEqualTo(300);
        }
    }
}

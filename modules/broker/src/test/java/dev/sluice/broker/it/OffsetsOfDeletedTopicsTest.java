package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static dev.sluice.broker.it.GroupTestSupport.createTopic;
import static dev.sluice.broker.it.GroupTestSupport.groupConsumer;
import static dev.sluice.broker.it.GroupTestSupport.pollUntil;
import static dev.sluice.broker.it.GroupTestSupport.produceNumbered;
import static dev.sluice.broker.it.GroupTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19.2: DeleteTopics removes every group's committed offsets of the topic (Kafka's
 * GroupCoordinator.onPartitionsDeleted), durably, so a group reads a recreated topic from its start
 * instead of resuming at (or "truncating" to) offsets of the old topic.
 */
class OffsetsOfDeletedTopicsTest {
    @TempDir
    Path dir;

    private static Map<TopicPartition, OffsetAndMetadata> committed(String bootstrap, String group) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(String bootstrap, String group, String topic, int expected) {
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = groupConsumer(bootstrap, group, Map.of())) {
            c.subscribe(List.of(topic));
            pollUntil(() -> seen.size() >= expected, (ConsumerRecord<byte[], byte[]> r) -> seen.add(value(r)), c);
            c.commitSync();
        }
        return seen;
    }

    @ParameterizedTest(name = "offsets.store={0}")
    @ValueSource(strings = {"log", "lmdb"})
    void aGroupReadsEveryRecordOfARecreatedTopic(String offsetsStore) throws Exception {
        Map<String, String> settings = new HashMap<>(FAST_GROUPS);
        settings.put("offsets.store", offsetsStore);
        TestBroker broker = TestBroker.start(dir, settings);
        try {
            createTopic(broker.bootstrap(), "reborn", 2);
            createTopic(broker.bootstrap(), "kept", 1);
            produceNumbered(broker.bootstrap(), "reborn", 100);
            produceNumbered(broker.bootstrap(), "kept", 10);
            assertThat(consumeAll(broker.bootstrap(), "g", "reborn", 100)).hasSize(100);
            assertThat(consumeAll(broker.bootstrap(), "g", "kept", 10)).hasSize(10);
            assertThat(committed(broker.bootstrap(), "g")).hasSize(3);

            try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
                admin.deleteTopics(List.of("reborn")).all().get(20, TimeUnit.SECONDS);
            }
            // only the deleted topic's offsets go; the group and its other offsets stay
            assertThat(committed(broker.bootstrap(), "g").keySet()).containsExactly(new TopicPartition("kept", 0));

            broker = broker.restart();
            assertThat(committed(broker.bootstrap(), "g").keySet()).containsExactly(new TopicPartition("kept", 0));

            createTopic(broker.bootstrap(), "reborn", 2);
            produceNumbered(broker.bootstrap(), "reborn", 30);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add(Integer.toString(i));
            }
            assertThat(consumeAll(broker.bootstrap(), "g", "reborn", 30)).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            broker.close();
        }
    }
}

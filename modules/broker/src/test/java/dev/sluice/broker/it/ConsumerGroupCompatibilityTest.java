package dev.sluice.broker.it;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static dev.sluice.broker.it.GroupTestSupport.createTopic;
import static dev.sluice.broker.it.GroupTestSupport.groupConsumer;
import static dev.sluice.broker.it.GroupTestSupport.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

/** kafka-clients consumers in groups (classic protocol) against a Sluice broker. */
class ConsumerGroupCompatibilityTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, FAST_GROUPS);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void consumersInOneGroupSplitThePartitionsDisjointly() throws Exception {
        createTopic(broker.bootstrap(), "split", 6);
        List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                KafkaConsumer<byte[], byte[]> c = groupConsumer(broker.bootstrap(), "split-group", Map.of());
                c.subscribe(List.of("split"));
                consumers.add(c);
            }
            @SuppressWarnings("unchecked")
            KafkaConsumer<byte[], byte[]>[] all = consumers.toArray(new KafkaConsumer[0]);
            pollUntil(() -> consumers.stream().allMatch(c -> c.assignment().size() == 2), r -> { }, all);
            Set<TopicPartition> union = new HashSet<>();
            for (KafkaConsumer<byte[], byte[]> c : consumers) {
                assertThat(union).doesNotContainAnyElementsOf(c.assignment());
                union.addAll(c.assignment());
            }
            assertThat(union).hasSize(6);
            int generation = consumers.get(0).groupMetadata().generationId();
            assertThat(consumers).allSatisfy(c -> assertThat(c.groupMetadata().generationId()).isEqualTo(generation));
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }
}

package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.ApiException;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin's offset lookups and group operations against a broker, with a kafka-clients consumer as the group member. */
class GroupAdminTest {
    @TempDir
    Path dir;

    @Test
    void listOffsetsEarliestLatestAndByTimestamp() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
             SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("t", 2))).join();
            long before;
            try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord("t", 0, 1_000L + i, null, bytes("v" + i), List.of())).join();
                }
                before = 1_002L;
            }
            TopicPartition p0 = new TopicPartition("t", 0);
            TopicPartition p1 = new TopicPartition("t", 1);
            Map<TopicPartition, ListedOffset> earliest = admin.listOffsets(Map.of(p0, OffsetSpec.earliest(), p1, OffsetSpec.earliest())).join();
            Map<TopicPartition, ListedOffset> latest = admin.listOffsets(Map.of(p0, OffsetSpec.latest(), p1, OffsetSpec.latest())).join();
            assertThat(earliest.get(p0).offset()).isZero();
            assertThat(latest.get(p0).offset()).isEqualTo(5);
            assertThat(latest.get(p1).offset()).isZero();
            assertThat(admin.listOffsets(Map.of(p0, OffsetSpec.forTimestamp(before))).join().get(p0).offset()).isEqualTo(2);
            assertThat(admin.listOffsets(Map.of(p0, OffsetSpec.forTimestamp(9_999L))).join().get(p0).offset()).isEqualTo(-1);

            assertThatThrownBy(() -> admin.listOffsets(Map.of(new TopicPartition("nope", 0), OffsetSpec.latest())).join())
                    .cause().isInstanceOf(ApiException.class).hasMessageContaining("UNKNOWN_TOPIC_OR_PARTITION");
            assertThatThrownBy(() -> admin.listOffsets(Map.of(new TopicPartition("t", 7), OffsetSpec.latest())).join())
                    .cause().isInstanceOf(ApiException.class).hasMessageContaining("no partition 7");
        }
    }

    @Test
    void describeListAlterAndDeleteGroups() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
             SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("orders", 3))).join();
            TopicPartition p0 = new TopicPartition("orders", 0);
            TopicPartition p2 = new TopicPartition("orders", 2);

            try (KafkaConsumer<byte[], byte[]> member = consumer(broker.bootstrap(), "billing")) {
                member.subscribe(List.of("orders"));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
                    member.poll(Duration.ofMillis(100));
                }
                member.commitSync(Map.of(new org.apache.kafka.common.TopicPartition("orders", 0), new OffsetAndMetadata(4)));

                assertThat(admin.listGroups().join()).containsExactly(new GroupListing("billing", "consumer", "Stable"));
                GroupDescription billing = admin.describeGroups(List.of("billing")).join().get("billing");
                assertThat(billing.state()).isEqualTo("Stable");
                assertThat(billing.protocol()).isNotEmpty();
                assertThat(billing.members()).singleElement().satisfies(m -> {
                    assertThat(m.clientId()).isEqualTo("billing-client");
                    assertThat(m.assignment()).containsExactlyInAnyOrder(p0, new TopicPartition("orders", 1), p2);
                });
                assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(p0, 4L));

                assertThatThrownBy(() -> admin.alterGroupOffsets("billing", Map.of(p0, 0L)).join())
                        .cause().isInstanceOf(ApiException.class).hasMessageContaining("has active members");
                assertThatThrownBy(() -> admin.deleteGroups(List.of("billing")).join())
                        .cause().isInstanceOf(ApiException.class).hasMessageContaining("NON_EMPTY_GROUP");
            }

            assertThat(admin.describeGroups(List.of("billing")).join().get("billing").state()).isEqualTo("Empty");
            admin.alterGroupOffsets("billing", Map.of(p0, 1L, p2, 7L)).join();
            assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(p0, 1L, p2, 7L));

            GroupDescription unknown = admin.describeGroups(List.of("nobody")).join().get("nobody");
            assertThat(unknown.exists()).isFalse();
            assertThat(admin.listGroupOffsets("nobody").join()).isEmpty();

            admin.deleteGroups(List.of("billing")).join();
            assertThat(admin.listGroups().join()).isEmpty();
            assertThatThrownBy(() -> admin.deleteGroups(List.of("billing")).join())
                    .cause().isInstanceOf(ApiException.class).hasMessageContaining("GROUP_ID_NOT_FOUND");
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-client");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

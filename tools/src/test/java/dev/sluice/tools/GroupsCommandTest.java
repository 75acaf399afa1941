package dev.sluice.tools;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code groups} against a group whose member is a real kafka-clients consumer. */
class GroupsCommandTest extends BrokerTestBase {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    @Test
    void listDescribeResetAndDelete() {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            for (int i = 0; i < 10; i++) { // partition 0: timestamps 1000..1009 at offsets 0..9; partition 1: 3 records
                producer.send(new ProducerRecord("orders", 0, 1_000L + i, null, bytes("v" + i), List.of())).join();
            }
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord("orders", 1, 5_000L, null, bytes("w" + i), List.of())).join();
            }
        }

        try (KafkaConsumer<byte[], byte[]> member = joinedMember("billing")) {
            member.commitSync(Map.of(new org.apache.kafka.common.TopicPartition("orders", 0), new OffsetAndMetadata(4)));

            assertThat(sluice("groups", "--list").lines()).containsExactly("billing");
            assertThat(sluice("groups", "--list", "--state").lines()).containsExactly("GROUP    STATE", "billing  Stable");

            Result described = sluice("groups", "--describe", "--group", "billing");
            assertThat(described.exitCode()).as(described.err()).isZero();
            List<String> lines = described.lines();
            assertThat(lines.get(1)).isEqualTo("Consumer group 'billing' is Stable with 1 member (assignor range).");
            assertThat(lines.get(3)).matches("GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID");
            assertThat(lines.get(4)).matches("billing +orders +0 +4 +10 +6 +billing-client-\\S+ +/127\\.0\\.0\\.1 +billing-client");
            assertThat(lines.get(5)).matches("billing +orders +1 +- +3 +- +billing-client-\\S+ +/127\\.0\\.0\\.1 +billing-client");
            assertThat(lines.get(7)).matches("GROUP +CONSUMER-ID +HOST +CLIENT-ID +#PARTITIONS +ASSIGNMENT");
            assertThat(lines.get(8)).matches("billing +billing-client-\\S+ +/127\\.0\\.0\\.1 +billing-client +2 +orders\\(0,1\\)");

            Result whileActive = sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders", "--to-earliest", "--execute");
            assertThat(whileActive.exitCode()).isEqualTo(1);
            assertThat(whileActive.err()).contains("Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable");
            Result deleteActive = sluice("groups", "--delete", "--group", "billing");
            assertThat(deleteActive.err()).contains("Group 'billing' could not be deleted due to: the group has active members");
        }

        Result dryRun = sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders", "--to-latest");
        assertThat(dryRun.lines()).first().asString().startsWith("WARN: No action will be performed as the --execute option is missing.");
        assertThat(dryRun.lines()).contains("billing  orders  0          10", "billing  orders  1          3");
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 4L)); // unchanged

        Result toTime = sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders",
                "--to-datetime", Instant.ofEpochMilli(1_007L).toString(), "--execute");
        assertThat(toTime.exitCode()).as(toTime.err()).isZero();
        assertThat(toTime.out()).doesNotContain("WARN");
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 7L, P1, 0L));

        assertThat(sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders:1", "--to-offset", "99",
                "--execute").exitCode()).isZero();
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 7L, P1, 3L)); // kept at the log end

        sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders", "--to-earliest", "--dry-run");
        assertThat(admin.listGroupOffsets("billing").join()).containsEntry(P0, 7L);
        sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders", "--to-earliest", "--execute");
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 0L, P1, 0L));

        Result noMembers = sluice("groups", "--describe", "--group", "billing");
        assertThat(noMembers.lines()).contains("Consumer group 'billing' has no active members.");
        assertThat(noMembers.out()).doesNotContain("#PARTITIONS");

        Result deleted = sluice("groups", "--delete", "--group", "billing");
        assertThat(deleted.out()).isEqualTo("Deletion of requested consumer groups ('billing') was successful.\n");
        assertThat(sluice("groups", "--list").out()).isEmpty();

        Result gone = sluice("groups", "--describe", "--group", "billing");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("consumer group 'billing' does not exist");
    }

    @Test
    void usageMistakes() {
        assertThat(sluice("groups", "--describe").err()).contains("--describe needs --group");
        Result twoTargets = sluice("groups", "--reset-offsets", "--group", "g", "--topic", "t", "--to-earliest", "--to-latest");
        assertThat(twoTargets.exitCode()).isEqualTo(2);
        assertThat(twoTargets.err()).contains("--to-earliest and --to-latest cannot be combined");
        Result badTime = sluice("groups", "--reset-offsets", "--group", "g", "--topic", "t", "--to-datetime", "yesterday");
        assertThat(badTime.err()).contains("--to-datetime takes e.g. 2026-01-01T00:00:00Z");
        Result unknownTopic = sluice("groups", "--reset-offsets", "--group", "g", "--topic", "nope", "--to-earliest");
        assertThat(unknownTopic.exitCode()).isEqualTo(1);
        assertThat(unknownTopic.err()).contains("topic 'nope' does not exist");
    }

    private KafkaConsumer<byte[], byte[]> joinedMember(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-client");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of("orders"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        assertThat(consumer.assignment()).hasSize(2);
        return consumer;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

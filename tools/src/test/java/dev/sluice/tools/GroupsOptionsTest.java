package dev.sluice.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The kafka-consumer-groups.sh options users reach for: states, members, all groups/topics, shifts, CSV export/import, JSON. */
class GroupsOptionsTest extends BrokerTestBase {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void tenRecordsOnP0AndFourOnP1() {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        long now = System.currentTimeMillis();
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            for (int i = 0; i < 10; i++) { // P0: offsets 0..4 two days old, 5..9 now
                long ts = i < 5 ? now - Duration.ofDays(2).toMillis() : now;
                producer.send(new ProducerRecord("orders", 0, ts, null, bytes("v" + i), List.of())).join();
            }
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord("orders", 1, now, null, bytes("w" + i), List.of())).join();
            }
        }
    }

    @Test
    void listByStateAndDescribeEachView() throws Exception {
        admin.alterGroupOffsets("audit", Map.of(P0, 2L)).join(); // an Empty group with offsets
        try (KafkaConsumer<byte[], byte[]> member = joinedMember("billing")) {
            assertThat(sluice("groups", "--list", "--state").lines()).containsExactly("GROUP    STATE", "audit    Empty", "billing  Stable");
            assertThat(sluice("groups", "--list", "--state", "stable").lines()).containsExactly("GROUP    STATE", "billing  Stable");
            assertThat(sluice("groups", "--list", "--state", "Empty,Stable").lines()).hasSize(3);
            Result badState = sluice("groups", "--list", "--state", "Running");
            assertThat(badState.exitCode()).isEqualTo(2);
            assertThat(badState.err()).contains("--state takes PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, not 'Running'");

            JsonNode listed = json(sluice("groups", "--list", "--format", "json"));
            assertThat(listed.size()).isEqualTo(2);
            assertThat(listed.get(1).get("group").asText()).isEqualTo("billing");
            assertThat(listed.get(1).get("state").asText()).isEqualTo("Stable");

            List<String> members = sluice("groups", "--describe", "--group", "billing", "--members").lines();
            assertThat(members.get(1)).matches("GROUP +CONSUMER-ID +HOST +CLIENT-ID +#PARTITIONS");
            assertThat(members.get(2)).matches("billing +billing-client-\\S+ +/127\\.0\\.0\\.1 +billing-client +2");
            assertThat(members).hasSize(3);
            assertThat(sluice("groups", "--describe", "--group", "billing", "--members", "--verbose").lines().get(2))
                    .endsWith("orders(0,1)");

            List<String> state = sluice("groups", "--describe", "--group", "billing", "--state").lines();
            assertThat(state.get(1)).matches("GROUP +COORDINATOR \\(ID\\) +ASSIGNMENT-STRATEGY +STATE +#MEMBERS");
            assertThat(state.get(2)).matches("billing +127\\.0\\.0\\.1:\\d+  \\(0\\) +range +Stable +1");

            List<String> offsets = sluice("groups", "--describe", "--group", "billing", "--offsets").lines();
            assertThat(offsets).hasSize(4); // blank, header, two partitions: no state line, no members table
            assertThat(offsets.get(2)).matches("billing +orders +0 +- +10 +- +billing-client-\\S+ .*");

            List<String> all = sluice("groups", "--describe", "--all-groups", "--state").lines();
            assertThat(all).filteredOn(l -> l.startsWith("audit ")).singleElement().asString().contains("Empty");
            assertThat(all).filteredOn(l -> l.startsWith("billing ")).singleElement().asString().contains("Stable");

            JsonNode described = json(sluice("groups", "--describe", "--all-groups", "-o", "json"));
            assertThat(described.size()).isEqualTo(2);
            JsonNode audit = described.get(0);
            assertThat(audit.get("group").asText()).isEqualTo("audit");
            assertThat(audit.get("members").size()).isZero();
            assertThat(audit.get("offsets").get(0).get("currentOffset").asLong()).isEqualTo(2);
            assertThat(audit.get("offsets").get(0).get("lag").asLong()).isEqualTo(8);
            JsonNode billing = described.get(1);
            assertThat(billing.get("state").asText()).isEqualTo("Stable");
            assertThat(billing.get("members").get(0).get("assignment").size()).isEqualTo(2);
            assertThat(billing.get("offsets").get(1).get("logEndOffset").asLong()).isEqualTo(4);
            assertThat(billing.get("offsets").get(1).get("currentOffset").isNull()).isTrue();

            Result misplaced = sluice("groups", "--list", "--members");
            assertThat(misplaced.exitCode()).isEqualTo(2);
            assertThat(misplaced.err()).contains("--members goes with --describe, not --list");
        }
    }

    @Test
    void shiftDurationCurrentAndAllTopics() {
        admin.alterGroupOffsets("billing", Map.of(P0, 6L, P1, 1L)).join();
        assertThat(sluice("groups", "--reset-offsets", "--group", "billing", "--all-topics", "--shift-by", "-2", "--execute")
                .exitCode()).isZero();
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 4L, P1, 0L)); // P1: kept at the log start

        assertThat(sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders:0", "--shift-by", "100",
                "--execute").exitCode()).isZero();
        assertThat(admin.listGroupOffsets("billing").join()).containsEntry(P0, 10L); // kept at the log end

        Result byDuration = sluice("groups", "--reset-offsets", "--group", "billing", "--topic", "orders", "--by-duration", "PT1H",
                "--execute");
        assertThat(byDuration.exitCode()).as(byDuration.err()).isZero();
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 5L, P1, 0L)); // the first record of the last hour

        Result current = sluice("groups", "--reset-offsets", "--group", "billing", "--all-topics", "--to-current", "--dry-run");
        assertThat(current.lines()).contains("billing  orders  0          5", "billing  orders  1          0");

        admin.alterGroupOffsets("fresh", Map.of(P0, 3L)).join();
        Result noCommit = sluice("groups", "--reset-offsets", "--group", "fresh", "--topic", "orders", "--shift-by", "1");
        assertThat(noCommit.exitCode()).isEqualTo(1);
        assertThat(noCommit.err()).contains("Cannot shift offset for partition orders-1 since there is no current committed offset");

        Result badDuration = sluice("groups", "--reset-offsets", "--group", "billing", "--all-topics", "--by-duration", "1h");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("--by-duration takes an ISO-8601 duration such as PT1H30M");
    }

    @Test
    void exportedOffsetsImportBack() throws Exception {
        admin.alterGroupOffsets("billing", Map.of(P0, 7L, P1, 3L)).join();
        admin.alterGroupOffsets("audit", Map.of(P0, 1L)).join();

        Result exported = sluice("groups", "--reset-offsets", "--group", "billing", "--all-topics", "--to-current", "--export");
        assertThat(exported.out()).isEqualTo("orders,0,7\norders,1,3\n"); // Kafka's CSV: topic,partition,offset
        Path file = Files.writeString(dir.resolve("offsets.csv"), exported.out());

        admin.alterGroupOffsets("billing", Map.of(P0, 0L, P1, 0L)).join();
        Result imported = sluice("groups", "--reset-offsets", "--group", "billing", "--all-topics", "--from-file", file.toString(),
                "--execute"); // --all-topics with --from-file, as Kafka's own tests write it
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 7L, P1, 3L));

        Result both = sluice("groups", "--reset-offsets", "--all-groups", "--all-topics", "--to-current", "--export");
        assertThat(both.out()).isEqualTo("audit,orders,0,1\nbilling,orders,0,7\nbilling,orders,1,3\n"); // several groups: group first
        Path two = Files.writeString(dir.resolve("two.csv"), "audit,orders,0,4\nbilling,orders,1,99\n");
        assertThat(sluice("groups", "--reset-offsets", "--group", "audit", "--group", "billing", "--from-file", two.toString(),
                "--execute").exitCode()).isZero();
        assertThat(admin.listGroupOffsets("audit").join()).isEqualTo(Map.of(P0, 4L));
        assertThat(admin.listGroupOffsets("billing").join()).isEqualTo(Map.of(P0, 7L, P1, 4L)); // 99 kept at the log end

        JsonNode plan = json(sluice("groups", "--reset-offsets", "--group", "billing", "--all-topics", "--to-earliest",
                "--format", "json"));
        assertThat(plan.size()).isEqualTo(2);
        assertThat(plan.get(0).get("group").asText()).isEqualTo("billing");
        assertThat(plan.get(0).get("offset").asLong()).isZero();

        Path bad = Files.writeString(dir.resolve("bad.csv"), "orders;0;1\n");
        Result badFile = sluice("groups", "--reset-offsets", "--group", "billing", "--from-file", bad.toString());
        assertThat(badFile.exitCode()).isEqualTo(2);
        assertThat(badFile.err()).contains("--from-file line 1 is not topic,partition,offset");
    }

    @Test
    void deletingSeveralGroupsReportsEach() {
        admin.alterGroupOffsets("audit", Map.of(P0, 1L)).join();
        admin.alterGroupOffsets("ledger", Map.of(P0, 1L)).join();
        try (KafkaConsumer<byte[], byte[]> member = joinedMember("billing")) {
            Result partly = sluice("groups", "--delete", "--group", "audit", "--group", "billing", "--group", "nobody");
            assertThat(partly.exitCode()).isEqualTo(1);
            assertThat(partly.err().lines()).containsExactly("Error: Deletion of some consumer groups failed:",
                    "* Group 'billing' could not be deleted due to: the group has active members: stop its consumers first (NON_EMPTY_GROUP)",
                    "* Group 'nobody' could not be deleted due to: the group does not exist (GROUP_ID_NOT_FOUND)");
            assertThat(partly.lines()).containsExactly("", "These consumer groups were deleted successfully: 'audit'");
        }
        Result all = sluice("groups", "--delete", "--all-groups");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).isEqualTo("Deletion of requested consumer groups ('billing', 'ledger') was successful.\n");
        assertThat(admin.listGroups().join()).isEmpty();
    }

    private static JsonNode json(Result result) throws Exception {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return JSON.readTree(result.out());
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

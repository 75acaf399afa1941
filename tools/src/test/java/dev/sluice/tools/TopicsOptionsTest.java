package dev.sluice.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The kafka-topics.sh options users reach for, the describe's offsets and sizes, and JSON output. */
class TopicsOptionsTest extends BrokerTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void describeShowsLogStartHighWatermarkAndSize() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        produce("orders", 0, 5);
        long onDisk = segmentBytes("orders-0");
        assertThat(onDisk).isPositive();

        List<String> lines = sluice("topics", "--describe", "--topic", "orders").lines();
        assertThat(lines.get(1)).isEqualTo("\tTopic: orders\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0"
                + "\tLogStartOffset: 0\tHighWatermark: 5\tSize: " + onDisk);
        assertThat(lines.get(2)).endsWith("\tLogStartOffset: 0\tHighWatermark: 0\tSize: 0");

        JsonNode described = json(sluice("topics", "--describe", "--topic", "orders", "--format", "json"));
        JsonNode p0 = described.get(0).get("partitions").get(0);
        assertThat(described.get(0).get("partitionCount").asInt()).isEqualTo(2);
        assertThat(p0.get("highWatermark").asLong()).isEqualTo(5);
        assertThat(p0.get("logStartOffset").asLong()).isZero();
        assertThat(p0.get("sizeBytes").asLong()).isEqualTo(onDisk);
        assertThat(p0.get("replicas").get(0).asInt()).isZero();

        // Kafka's own admin client reads the same sizes (DescribeLogDirs is wire-compatible)
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, LogDirDescription> dirs = kafka.describeLogDirs(List.of(0)).allDescriptions().get().get(0);
            assertThat(dirs).hasSize(1);
            LogDirDescription dir = dirs.values().iterator().next();
            assertThat(dir.error()).isNull();
            assertThat(dir.replicaInfos().get(new org.apache.kafka.common.TopicPartition("orders", 0)).size()).isEqualTo(onDisk);
            assertThat(dir.totalBytes()).isPresent();
        }
    }

    @Test
    void anOfflinePartitionIsDescribedWithoutItsOffsets() {
        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        produce("orders", 0, 2);
        broker.partitions().storageFailed(new TopicPartition("orders", 0), new RuntimeException("disk gone (test)"));
        Result r = sluice("topics", "--describe", "--topic", "orders");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.lines().get(1)).endsWith("\tLogStartOffset: -\tHighWatermark: -\tSize: -");
    }

    @Test
    void ifExistsAndIfNotExists() {
        for (String[] quiet : List.of(new String[]{"--delete", "--topic", "nope", "--if-exists"},
                new String[]{"--alter", "--topic", "nope", "--partitions", "3", "--if-exists"},
                new String[]{"--describe", "--topic", "nope", "--if-exists"})) {
            Result r = sluice(Stream.concat(Stream.of("topics"), Stream.of(quiet)).toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", quiet) + ": " + r.err()).isZero();
            assertThat(r.out() + r.err()).isEmpty();
        }
        assertThat(sluice("topics", "--delete", "--topic", "nope").exitCode()).isEqualTo(1); // without it: an error
        Result misplaced = sluice("topics", "--create", "--topic", "t", "--if-exists");
        assertThat(misplaced.exitCode()).isEqualTo(2);
        assertThat(misplaced.err()).contains("--if-exists goes with --alter, --delete or --describe");

        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        assertThat(sluice("topics", "--delete", "--topic", "orders", "--if-exists").out()).isEqualTo("Deleted topic orders.\n");
    }

    @Test
    void internalTopicsAreListedUnlessExcluded() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        admin.alterGroupOffsets("billing", Map.of(new TopicPartition("orders", 0), 0L)).join(); // __consumer_offsets in use
        assertThat(sluice("topics", "--list").lines()).containsExactly("__consumer_offsets", "orders");
        assertThat(sluice("topics", "--list", "--exclude-internal").lines()).containsExactly("orders");
        assertThat(sluice("topics", "--describe", "--exclude-internal").out()).doesNotContain("__consumer_offsets");
        assertThat(sluice("topics", "--describe").out()).contains("Topic: __consumer_offsets\t");

        JsonNode listed = json(sluice("topics", "--list", "-o", "json"));
        assertThat(listed.size()).isEqualTo(2);
        assertThat(listed.get(0).get("topic").asText()).isEqualTo("__consumer_offsets");
        assertThat(listed.get(0).get("internal").asBoolean()).isTrue();
        assertThat(listed.get(1).get("partitions").asInt()).isEqualTo(1);
        assertThat(json(sluice("topics", "--describe", "--exclude-internal", "--format", "json")).size()).isEqualTo(1);
    }

    @Test
    void alterAndDeleteConfigs() {
        admin.createTopics(List.of(new NewTopic("orders", 1, (short) -1, Map.of("cleanup.policy", "compact")))).join();
        Result set = sluice("topics", "--alter", "--topic", "orders", "--config", "retention.ms=60000", "--config", "segment.ms=600000");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("Updated config for topic orders.\n");
        assertThat(overrides()).containsEntry("retention.ms", "60000").containsEntry("segment.ms", "600000")
                .containsEntry("cleanup.policy", "compact"); // incremental: the others stay

        Result deleted = sluice("topics", "--alter", "--topic", "orders", "--delete-config", "retention.ms");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(overrides()).doesNotContainKey("retention.ms").containsEntry("segment.ms", "600000");

        Result both = sluice("topics", "--alter", "--topic", "orders", "--partitions", "2", "--config", "retention.ms=1000");
        assertThat(both.lines()).containsExactly("Topic orders now has 2 partitions (was 1).", "Updated config for topic orders.");

        Result invalid = sluice("topics", "--alter", "--topic", "orders", "--config", "retention.ms=soon");
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err()).contains("retention.ms").doesNotContain("Exception");
        Result nothing = sluice("topics", "--alter", "--topic", "orders");
        assertThat(nothing.err()).contains("--alter needs --partitions N (the new total), --config k=v or --delete-config k");
    }

    private Map<String, String> overrides() {
        Map<String, String> out = new java.util.HashMap<>();
        admin.describeConfigs(List.of(ConfigResource.topic("orders"))).join().get(ConfigResource.topic("orders")).values()
                .stream().filter(c -> c.source() == 1).forEach(c -> out.put(c.name(), c.value()));
        return out;
    }

    private long segmentBytes(String partitionDir) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("data").resolve(partitionDir))) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private void produce(String topic, int partition, int count) {
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord(topic, partition, null, null, ("v" + i).getBytes(StandardCharsets.UTF_8),
                        List.of())).join();
            }
        }
    }

    private static JsonNode json(Result result) throws Exception {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return JSON.readTree(result.out());
    }
}

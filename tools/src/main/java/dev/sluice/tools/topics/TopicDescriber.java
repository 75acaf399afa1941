package dev.sluice.tools.topics;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.ConfigEntry;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.ListedOffset;
import dev.sluice.client.admin.OffsetSpec;
import dev.sluice.client.admin.PartitionDescription;
import dev.sluice.client.admin.PartitionLog;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.tools.cli.OutputFormat;
import dev.sluice.tools.cli.TopicCheck;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code topics --describe}: kafka-topics.sh's lines (the topic, then each partition's leader,
 * replicas and ISR), each partition line followed by its log start offset, high watermark and
 * size in bytes; or all of it as one JSON array. Used by one thread.
 */
final class TopicDescriber {
    private final SluiceAdmin admin;

    TopicDescriber(SluiceAdmin admin) {
        this.admin = admin;
    }

    /** Every topic (internal ones if {@code internal}), or only {@code only}. */
    void describe(String only, boolean internal, OutputFormat format, PrintStream out) {
        List<String> names = only != null ? List.of(only) : new ArrayList<>(admin.listTopics(internal).join());
        if (only != null) {
            TopicCheck.require(admin, only);
        }
        if (names.isEmpty()) {
            if (format == OutputFormat.JSON) {
                out.println("[]");
            }
            return;
        }
        Map<String, TopicDescription> topics = admin.describeTopics(names).join();
        Map<ConfigResource, Map<String, ConfigEntry>> configs = admin.describeConfigs(
                names.stream().map(ConfigResource::topic).toList()).join();
        Map<Integer, Map<TopicPartition, PartitionLog>> byBroker = admin.partitionLogs().join();
        Map<TopicPartition, PartitionLog> logs = leaderLogs(topics, byBroker);
        Map<TopicPartition, Long> sizes = new HashMap<>();
        logs.forEach((tp, log) -> sizes.put(tp, log.sizeBytes()));
        // a partition its leader's DescribeLogDirs leaves out is offline: asking its offsets would
        // only be retried (KAFKA_STORAGE_ERROR is retriable) until the admin's timeout
        List<TopicPartition> online = new ArrayList<>();
        topics.values().forEach(t -> t.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(t.name(), p.partition());
            if (sizes.containsKey(tp) || (p.leader() >= 0 && !byBroker.containsKey(p.leader()))) {
                online.add(tp);
            }
        }));
        Map<TopicPartition, Long> starts = offsets(online, OffsetSpec.earliest());
        Map<TopicPartition, Long> highWatermarks = offsets(online, OffsetSpec.latest());

        List<Object> json = new ArrayList<>();
        for (String name : names) {
            TopicDescription t = topics.get(name);
            int replication = t.partitions().isEmpty() ? 0 : t.partitions().get(0).replicas().size();
            // like kafka-topics.sh: only settings made on this topic, not the defaults it inherits
            Map<String, String> overrides = new LinkedHashMap<>();
            configs.getOrDefault(ConfigResource.topic(name), Map.of()).values().stream()
                    .filter(c -> c.source() == 1).forEach(c -> overrides.put(c.name(), c.value()));
            if (format == OutputFormat.TEXT) {
                out.println("Topic: " + name + "\tTopicId: " + kafkaUuid(t.topicId()) + "\tPartitionCount: " + t.partitions().size()
                        + "\tReplicationFactor: " + replication + "\tConfigs: " + overrides.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
            }
            List<Object> partitionRows = new ArrayList<>();
            for (PartitionDescription p : t.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partition());
                if (format == OutputFormat.TEXT) {
                    out.println("\tTopic: " + name + "\tPartition: " + p.partition() + "\tLeader: "
                            + (p.leader() < 0 ? "none" : p.leader()) + "\tReplicas: " + ids(p.replicas()) + "\tIsr: " + ids(p.isr())
                            + "\tLogStartOffset: " + orDash(starts.get(tp)) + "\tHighWatermark: " + orDash(highWatermarks.get(tp))
                            + "\tSize: " + orDash(sizes.get(tp)) + dirtyRatio(logs.get(tp)));
                    continue;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("partition", p.partition());
                row.put("leader", p.leader() < 0 ? null : p.leader());
                row.put("replicas", p.replicas());
                row.put("isr", p.isr());
                row.put("logStartOffset", starts.get(tp));
                row.put("highWatermark", highWatermarks.get(tp));
                row.put("sizeBytes", sizes.get(tp));
                if (logs.containsKey(tp) && logs.get(tp).dirtyRatio() >= 0) {
                    row.put("dirtyRatio", logs.get(tp).dirtyRatio());
                }
                partitionRows.add(row);
            }
            if (format == OutputFormat.JSON) {
                Map<String, Object> topic = new LinkedHashMap<>();
                topic.put("topic", name);
                topic.put("topicId", kafkaUuid(t.topicId()));
                topic.put("internal", t.internal());
                topic.put("partitionCount", t.partitions().size());
                topic.put("replicationFactor", replication);
                topic.put("configs", overrides);
                topic.put("partitions", partitionRows);
                json.add(topic);
            }
        }
        if (format == OutputFormat.JSON) {
            out.println(JsonWriter.write(json, JsonWriter.Others.AS_STRING));
        }
    }

    /** The offsets of the partitions in one lookup; none ("-") if that fails, e.g. a partition went offline meanwhile. */
    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        try {
            lookup(partitions, spec).forEach((tp, o) -> out.put(tp, o.offset()));
        } catch (RuntimeException failed) {
            out.clear();
        }
        return out;
    }

    private Map<TopicPartition, ListedOffset> lookup(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        return admin.listOffsets(specs).join();
    }

    /** Bytes on disk per partition, as its leader stores it; absent where the leader cannot say. */
    /** Each partition's log as its leader stores it; absent where the leader cannot say. */
    private static Map<TopicPartition, PartitionLog> leaderLogs(Map<String, TopicDescription> topics,
                                                             Map<Integer, Map<TopicPartition, PartitionLog>> byBroker) {
        Map<TopicPartition, PartitionLog> out = new HashMap<>();
        topics.values().forEach(t -> t.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(t.name(), p.partition());
            PartitionLog log = byBroker.getOrDefault(p.leader(), Map.of()).get(tp);
            if (log != null) {
                out.put(tp, log);
            }
        }));
        return out;
    }

    /** A compacted partition's dirty ratio as the log cleaner sees it ("" for other topics). */
    private static String dirtyRatio(PartitionLog log) {
        return log == null || log.dirtyRatio() < 0 ? ""
                : String.format(java.util.Locale.ROOT, "\tDirtyRatio: %.2f", log.dirtyRatio());
    }

    private static String orDash(Long value) {
        return value == null ? "-" : value.toString();
    }

    private static String ids(List<Integer> ids) {
        StringJoiner joined = new StringJoiner(",");
        ids.forEach(id -> joined.add(String.valueOf(id)));
        return joined.toString();
    }

    /** Kafka prints topic ids as URL-safe base64 of the 16 bytes, without padding. */
    static String kafkaUuid(UUID id) {
        if (id == null) {
            return "-";
        }
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}

package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeLogDirs to given brokers and DeleteRecords to partitions' leaders, for
 * {@link SluiceAdmin#describeLogDirs} and {@link SluiceAdmin#deleteRecords}. Thread-safe (stateless over
 * {@link AdminCalls}).
 */
final class LogDirOperations {
    private final AdminCalls calls;

    LogDirOperations(AdminCalls calls) {
        this.calls = calls;
    }

    CompletableFuture<List<LogDirDescription>> describeLogDirs(Node broker) {
        return calls.callNode(ApiKey.DESCRIBE_LOG_DIRS, broker, v -> ApiKey.DESCRIBE_LOG_DIRS.newRequest().set("Topics", null),
                response -> {
                    List<LogDirDescription> dirs = new ArrayList<>();
                    for (Struct dir : response.body().getArray("Results")) {
                        Map<TopicPartition, Long> sizes = new TreeMap<>();
                        Map<TopicPartition, LogDirDescription.FutureReplica> futures = new TreeMap<>();
                        for (Struct t : dir.getArray("Topics")) {
                            for (Struct p : t.getArray("Partitions")) {
                                TopicPartition tp = new TopicPartition(t.getString("Name"), p.getInt("PartitionIndex"));
                                if (p.getBool("IsFutureKey")) {
                                    futures.put(tp, new LogDirDescription.FutureReplica(p.getLong("PartitionSize"), p.getLong("OffsetLag")));
                                } else {
                                    sizes.put(tp, p.getLong("PartitionSize"));
                                }
                            }
                        }
                        short error = dir.getShort("ErrorCode");
                        boolean v4 = response.version() >= 4;
                        dirs.add(new LogDirDescription(dir.getString("LogDir"), error == 0 ? null : Errors.forCode(error).name(),
                                sizes, v4 ? dir.getLong("TotalBytes") : -1, v4 ? dir.getLong("UsableBytes") : -1, futures));
                    }
                    return dirs;
                });
    }

    /**
     * AlterReplicaLogDirs to {@code broker}: per partition null if its move started (or it is there
     * already), else Kafka's error name with what it means.
     */
    CompletableFuture<Map<TopicPartition, String>> alterReplicaLogDirs(Node broker, Map<TopicPartition, String> dirs) {
        return calls.callNode(ApiKey.ALTER_REPLICA_LOG_DIRS, broker, v -> {
            Map<String, Map<String, List<Integer>>> byDir = new TreeMap<>();
            dirs.forEach((tp, dir) -> byDir.computeIfAbsent(dir, d -> new TreeMap<>())
                    .computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
            Struct body = ApiKey.ALTER_REPLICA_LOG_DIRS.newRequest();
            byDir.forEach((dir, topics) -> {
                Struct d = body.addStruct("Dirs").set("Path", dir);
                topics.forEach((topic, partitions) -> d.addStruct("Topics").set("Name", topic).set("Partitions", partitions));
            });
            return body;
        }, response -> {
            Map<TopicPartition, String> out = new TreeMap<>();
            for (Struct t : response.body().getArray("Results")) {
                for (Struct p : t.getArray("Partitions")) {
                    short error = p.getShort("ErrorCode");
                    out.put(new TopicPartition(t.getString("TopicName"), p.getInt("PartitionIndex")),
                            error == 0 ? null : Errors.forCode(error).name() + ": " + Errors.forCode(error).message());
                }
            }
            return out;
        });
    }

    /** Per partition its new low watermark; fails with the first partition's error. */
    CompletableFuture<Map<TopicPartition, Long>> deleteRecords(Map<TopicPartition, Long> beforeOffsets) {
        if (beforeOffsets.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<String> topics = new ArrayList<>(new TreeSet<>(beforeOffsets.keySet().stream().map(TopicPartition::topic).toList()));
        return calls.call(ApiKey.METADATA, AdminCalls.Target.ANY, v -> SluiceAdmin.metadataRequest(v, topics),
                response -> OffsetLookups.leaders(Cluster.fromResponse(response.body()), beforeOffsets.keySet(), "delete records"))
                .thenCompose(byLeader -> {
                    List<CompletableFuture<Map<TopicPartition, Long>>> requests = new ArrayList<>();
                    byLeader.forEach((leader, partitions) -> requests.add(delete(leader, partitions, beforeOffsets)));
                    return CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        Map<TopicPartition, Long> out = new TreeMap<>();
                        requests.forEach(r -> out.putAll(r.join()));
                        return out;
                    });
                });
    }

    private CompletableFuture<Map<TopicPartition, Long>> delete(Node leader, Collection<TopicPartition> partitions,
                                                                Map<TopicPartition, Long> beforeOffsets) {
        return calls.callNode(ApiKey.DELETE_RECORDS, leader, v -> {
            Struct body = ApiKey.DELETE_RECORDS.newRequest().set("TimeoutMs", 30_000);
            Map<String, Struct> topics = new LinkedHashMap<>();
            for (TopicPartition tp : partitions) {
                topics.computeIfAbsent(tp.topic(), name -> body.addStruct("Topics").set("Name", name))
                        .addStruct("Partitions").set("PartitionIndex", tp.partition()).set("Offset", beforeOffsets.get(tp));
            }
            return body;
        }, response -> {
            Map<TopicPartition, Long> out = new HashMap<>();
            for (Struct t : response.body().getArray("Topics")) {
                for (Struct p : t.getArray("Partitions")) {
                    TopicPartition tp = new TopicPartition(t.getString("Name"), p.getInt("PartitionIndex"));
                    short error = p.getShort("ErrorCode");
                    if (error != 0) {
                        throw ErrorMapper.toException(error, "delete records of " + tp + " before offset " + beforeOffsets.get(tp));
                    }
                    out.put(tp, p.getLong("LowWatermark"));
                }
            }
            return out;
        });
    }
}

package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ApiException;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets for {@link SluiceAdmin#listOffsets}: a metadata request finds each partition's
 * leader, then one ListOffsets request per leader asks for its partitions.
 */
final class OffsetLookups {
    private final AdminCalls calls;

    OffsetLookups(AdminCalls calls) {
        this.calls = calls;
    }

    CompletableFuture<Map<TopicPartition, ListedOffset>> listOffsets(Map<TopicPartition, OffsetSpec> specs) {
        if (specs.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<String> topics = new ArrayList<>(new TreeSet<>(specs.keySet().stream().map(TopicPartition::topic).toList()));
        return calls.call(ApiKey.METADATA, AdminCalls.Target.ANY, v -> SluiceAdmin.metadataRequest(v, topics),
                response -> leaders(Cluster.fromResponse(response.body()), specs.keySet(), "list offsets")).thenCompose(byLeader -> {
            List<CompletableFuture<Map<TopicPartition, ListedOffset>>> requests = new ArrayList<>();
            byLeader.forEach((leader, partitions) -> requests.add(ask(leader, partitions, specs)));
            return CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<TopicPartition, ListedOffset> out = new TreeMap<>();
                requests.forEach(r -> out.putAll(r.join()));
                return out;
            });
        });
    }

    /** Each partition's leader, by leader; fails for a missing topic or partition ({@code what} names the operation). */
    static Map<Node, List<TopicPartition>> leaders(Cluster cluster, java.util.Collection<TopicPartition> partitions, String what) {
        Map<Node, List<TopicPartition>> byLeader = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Short topicError = cluster.topicErrors().get(tp.topic());
            if (topicError != null) { // final: the topic does not exist
                throw new ApiException(topicError, Errors.forCode(topicError).name(), false, what + " of topic " + tp.topic());
            }
            int count = cluster.partitionCount(tp.topic());
            if (tp.partition() >= count) {
                throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.name(), false,
                        "topic " + tp.topic() + " has " + count + " partitions, there is no partition " + tp.partition());
            }
            Node leader = cluster.leader(tp.topic(), tp.partition());
            if (leader == null) { // retriable: a leader is being elected
                throw ErrorMapper.toException(Errors.LEADER_NOT_AVAILABLE.code(), "no leader for " + tp);
            }
            byLeader.computeIfAbsent(leader, n -> new ArrayList<>()).add(tp);
        }
        return byLeader;
    }

    private CompletableFuture<Map<TopicPartition, ListedOffset>> ask(Node leader, List<TopicPartition> partitions,
                                                                    Map<TopicPartition, OffsetSpec> specs) {
        return calls.callNode(ApiKey.LIST_OFFSETS, leader, v -> {
            Struct body = ApiKey.LIST_OFFSETS.newRequest().set("ReplicaId", -1).set("IsolationLevel", (byte) 0);
            Map<String, Struct> topics = new HashMap<>();
            for (TopicPartition tp : partitions) {
                Struct topic = topics.computeIfAbsent(tp.topic(), name -> body.addStruct("Topics").set("Name", name));
                topic.addStruct("Partitions").set("PartitionIndex", tp.partition()).set("CurrentLeaderEpoch", -1)
                        .set("Timestamp", specs.get(tp).timestamp());
            }
            return body;
        }, response -> {
            Map<TopicPartition, ListedOffset> out = new HashMap<>();
            for (Struct t : response.body().getArray("Topics")) {
                for (Struct p : t.getArray("Partitions")) {
                    TopicPartition tp = new TopicPartition(t.getString("Name"), p.getInt("PartitionIndex"));
                    short error = p.getShort("ErrorCode");
                    if (error != 0) {
                        throw ErrorMapper.toException(error, "list offsets of " + tp);
                    }
                    out.put(tp, new ListedOffset(p.getLong("Offset"), p.getLong("Timestamp")));
                }
            }
            return out;
        });
    }
}

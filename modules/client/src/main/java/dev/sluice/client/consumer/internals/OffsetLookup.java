package dev.sluice.client.consumer.internals;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * ListOffsets: offsets by timestamp (-2 earliest, -1 latest, else the first record at or after
 * a time), sent to each partition's leader. One {@link #attempt} leaves out partitions that hit
 * a retriable error (after asking for fresh metadata); {@link #lookup} retries them until done.
 */
final class OffsetLookup {
    static final long EARLIEST = -2L;
    static final long LATEST = -1L;

    /** One partition's answer; offset -1 when no record matches the timestamp. */
    record Found(long offset, long timestamp) {
    }

    private final NetworkClient network;
    private final Metadata metadata;
    /** read_committed: LATEST is the last stable offset, as Kafka's consumer asks for it. */
    private final boolean readCommitted;

    OffsetLookup(NetworkClient network, Metadata metadata, boolean readCommitted) {
        this.network = network;
        this.metadata = metadata;
        this.readCommitted = readCommitted;
    }

    CompletableFuture<Map<TopicPartition, Found>> attempt(Map<TopicPartition, Long> timestamps) {
        Cluster cluster = metadata.cluster();
        Map<Node, Map<TopicPartition, Long>> byLeader = new HashMap<>();
        timestamps.forEach((tp, ts) -> {
            Node leader = cluster.leader(tp.topic(), tp.partition());
            if (leader == null) {
                metadata.add(tp.topic());
                metadata.requestUpdate();
            } else {
                byLeader.computeIfAbsent(leader, n -> new LinkedHashMap<>()).put(tp, ts);
            }
        });
        Map<TopicPartition, Found> found = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> requests = new ArrayList<>();
        byLeader.forEach((node, wanted) -> requests.add(network.send(node, ApiKey.LIST_OFFSETS, v -> request(v, wanted))
                .thenAccept(response -> {
                    for (Struct topic : response.body().getArray("Topics")) {
                        for (Struct p : topic.getArray("Partitions")) {
                            TopicPartition tp = new TopicPartition(topic.getString("Name"), p.getInt("PartitionIndex"));
                            short error = p.getShort("ErrorCode");
                            if (error == 0) {
                                found.put(tp, new Found(p.getLong("Offset"), p.getLong("Timestamp")));
                            } else if (Errors.forCode(error).retriable()) {
                                metadata.requestUpdate();
                            } else {
                                throw ErrorMapper.toException(error, "ListOffsets for " + tp);
                            }
                        }
                    }
                })
                .exceptionally(e -> {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof SluiceClientException s && !s.isRetriable()) {
                        throw s;
                    }
                    return null; // retriable: left out of the answer, the caller tries again
                })));
        return CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).thenApply(v -> found);
    }

    private Struct request(short version, Map<TopicPartition, Long> wanted) {
        Struct body = ApiKey.LIST_OFFSETS.newRequest().set("ReplicaId", -1);
        if (version >= 2) {
            body.set("IsolationLevel", (byte) (readCommitted ? 1 : 0));
        }
        if (version >= 10) {
            body.set("TimeoutMs", 30_000);
        }
        Map<String, Struct> topics = new HashMap<>();
        wanted.forEach((tp, ts) -> topics.computeIfAbsent(tp.topic(),
                        t -> body.addStruct("Topics").set("Name", t))
                .addStruct("Partitions").set("PartitionIndex", tp.partition()).set("Timestamp", ts));
        return body;
    }

    /** Looks up every partition, retrying retriable failures until {@code deadlineMs}. */
    Map<TopicPartition, Found> lookup(Map<TopicPartition, Long> timestamps, long deadlineMs) throws InterruptedException {
        Map<TopicPartition, Long> remaining = new LinkedHashMap<>(timestamps);
        Map<TopicPartition, Found> out = new LinkedHashMap<>();
        remaining.keySet().forEach(tp -> metadata.add(tp.topic()));
        while (!remaining.isEmpty()) {
            long left = deadlineMs - network.clockMs();
            if (left <= 0) {
                throw new TimeoutException("offsets of " + remaining.keySet() + " not found in time");
            }
            try {
                Map<TopicPartition, Found> found = attempt(remaining).get(left, TimeUnit.MILLISECONDS);
                out.putAll(found);
                remaining.keySet().removeAll(found.keySet());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new SluiceClientException("ListOffsets failed", e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new TimeoutException("offsets of " + remaining.keySet() + " not found in time");
            }
            if (!remaining.isEmpty()) {
                metadata.awaitUpdate(Math.min(deadlineMs, network.clockMs() + 1000));
            }
        }
        return out;
    }
}

package dev.sluice.client.consumer.group;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.RetriableException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.consumer.CommitFailedException;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.OffsetCommitCallback;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.Response;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * OffsetCommit and OffsetFetch against the group coordinator. A commit carries our generation and
 * member id (or -1 and "" outside a rebalance-managed group, as manual assignment commits), so the
 * coordinator refuses commits from a member that no longer owns the partitions. Synchronous calls
 * retry retriable failures until their deadline; async callbacks are queued and run on the
 * application thread ({@link #runCallbacks}).
 */
final class OffsetCommitter {
    private final String groupId;
    private final String instanceId;
    private final NetworkClient network;
    private final CoordinatorFinder finder;
    private final MemberState state;
    private final ConcurrentLinkedQueue<Runnable> callbacks = new ConcurrentLinkedQueue<>();
    /**
     * read_committed: OffsetFetch asks for stable offsets (v7+), so an offset a transaction committed
     * but whose marker is not written yet answers UNSTABLE_OFFSET_COMMIT (retried) instead of the older one.
     */
    private final boolean requireStable;

    OffsetCommitter(String groupId, String instanceId, NetworkClient network, CoordinatorFinder finder, MemberState state,
                    boolean requireStable) {
        this.requireStable = requireStable;
        this.groupId = groupId;
        this.instanceId = instanceId;
        this.network = network;
        this.finder = finder;
        this.state = state;
    }

    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineMs) {
        if (offsets.isEmpty()) {
            return;
        }
        retrying(deadlineMs, "commit of " + offsets.keySet(), () -> commit(offsets));
    }

    void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        CompletableFuture<Void> attempt = offsets.isEmpty() ? CompletableFuture.completedFuture(null)
                : finder.lookupIfUnknown().thenCompose(c -> commit(copy));
        attempt.whenComplete((v, error) -> callbacks.add(() -> callback.onComplete(copy,
                error == null ? null : (Exception) unwrap(error))));
    }

    Map<TopicPartition, OffsetAndMetadata> fetchSync(Set<TopicPartition> partitions, long deadlineMs) {
        return retrying(deadlineMs, "committed offsets of " + partitions, () -> fetch(partitions));
    }

    /** Queued commitAsync callbacks, run now on the calling (application) thread. */
    void runCallbacks() {
        Runnable callback;
        while ((callback = callbacks.poll()) != null) {
            callback.run();
        }
    }

    /** One OffsetCommit to the known coordinator. */
    CompletableFuture<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Node coordinator = finder.coordinator();
        if (coordinator == null) {
            return CompletableFuture.failedFuture(new RetriableException("coordinator of group " + groupId + " unknown"));
        }
        Generation generation = state.phase() == MemberState.Phase.STABLE ? state.generation() : Generation.NONE;
        return network.send(coordinator, ApiKey.OFFSET_COMMIT, v -> commitRequest(v, generation, offsets))
                .thenAccept(response -> {
                    for (Struct topic : response.body().getArray("Topics")) {
                        for (Struct p : topic.getArray("Partitions")) {
                            commitError(Errors.forCode(p.getShort("ErrorCode")), generation);
                        }
                    }
                });
    }

    private Struct commitRequest(short version, Generation generation, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Struct body = ApiKey.OFFSET_COMMIT.newRequest().set("GroupId", groupId)
                .set("GenerationIdOrMemberEpoch", generation.generationId()).set("MemberId", generation.memberId());
        if (version >= 7) {
            body.set("GroupInstanceId", instanceId);
        }
        if (version >= 2 && version <= 4) {
            body.set("RetentionTimeMs", -1L); // the broker's retention
        }
        Map<String, Struct> topics = new LinkedHashMap<>();
        offsets.forEach((tp, om) -> {
            Struct p = topics.computeIfAbsent(tp.topic(), t -> body.addStruct("Topics").set("Name", t))
                    .addStruct("Partitions").set("PartitionIndex", tp.partition()).set("CommittedOffset", om.offset())
                    .set("CommittedMetadata", om.metadata());
            if (version >= 6) {
                p.set("CommittedLeaderEpoch", -1);
            }
        });
        return body;
    }

    private void commitError(Errors error, Generation generation) {
        switch (error) {
            case NONE -> { }
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> {
                finder.markUnknown("OffsetCommit answered " + error);
                throw ErrorMapper.toException(error.code(), null);
            }
            case REBALANCE_IN_PROGRESS -> {
                state.requestRejoin("OffsetCommit: the group is rebalancing");
                throw new CommitFailedException("the group is rebalancing; poll to rejoin, then commit again");
            }
            case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION -> {
                if (generation.isValid() && generation.equals(state.generation())) {
                    state.resetGeneration("OffsetCommit answered " + error, error == Errors.ILLEGAL_GENERATION);
                }
                throw new CommitFailedException("the group rebalanced and gave the partitions to another member ("
                        + error + "); they are read again from the last committed offset");
            }
            default -> throw ErrorMapper.toException(error.code(), "OffsetCommit of group " + groupId);
        }
    }

    /** One OffsetFetch: the committed offset of each partition (absent where none was committed). */
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetch(Set<TopicPartition> partitions) {
        Node coordinator = finder.coordinator();
        if (coordinator == null) {
            return CompletableFuture.failedFuture(new RetriableException("coordinator of group " + groupId + " unknown"));
        }
        return network.send(coordinator, ApiKey.OFFSET_FETCH, v -> fetchRequest(v, partitions))
                .thenApply(this::fetched);
    }

    private Struct fetchRequest(short version, Set<TopicPartition> partitions) {
        Struct body = ApiKey.OFFSET_FETCH.newRequest();
        Struct group = body;
        if (version >= 8) {
            group = body.addStruct("Groups").set("GroupId", groupId);
        } else {
            body.set("GroupId", groupId);
        }
        if (version >= 7) {
            body.set("RequireStable", requireStable);
        }
        Map<String, java.util.List<Integer>> byTopic = new LinkedHashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new java.util.ArrayList<>()).add(tp.partition()));
        for (Map.Entry<String, java.util.List<Integer>> e : byTopic.entrySet()) {
            group.addStruct("Topics").set("Name", e.getKey()).set("PartitionIndexes", e.getValue());
        }
        return body;
    }

    private Map<TopicPartition, OffsetAndMetadata> fetched(Response response) {
        Struct body = response.body();
        Struct group = body;
        if (response.version() >= 8) {
            group = body.getArray("Groups").get(0);
        }
        if (response.version() >= 2) {
            Errors error = Errors.forCode(group.getShort("ErrorCode"));
            if (error != Errors.NONE) {
                if (error == Errors.NOT_COORDINATOR || error == Errors.COORDINATOR_NOT_AVAILABLE) {
                    finder.markUnknown("OffsetFetch answered " + error);
                }
                throw ErrorMapper.toException(error.code(), "OffsetFetch of group " + groupId);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        for (Struct topic : group.getArray("Topics")) {
            for (Struct p : topic.getArray("Partitions")) {
                short error = p.getShort("ErrorCode");
                if (error != 0) {
                    throw ErrorMapper.toException(error, "OffsetFetch of " + topic.getString("Name"));
                }
                long offset = p.getLong("CommittedOffset");
                if (offset >= 0) {
                    out.put(new TopicPartition(topic.getString("Name"), p.getInt("PartitionIndex")),
                            new OffsetAndMetadata(offset, p.getString("Metadata")));
                }
            }
        }
        return out;
    }

    /** Repeats {@code attempt} on retriable failures (finding the coordinator again) until the deadline. */
    private <T> T retrying(long deadlineMs, String what, java.util.function.Supplier<CompletableFuture<T>> attempt) {
        while (true) {
            if (finder.await(deadlineMs) == null) {
                throw new TimeoutException(what + " did not complete in time (no coordinator)");
            }
            CompletableFuture<T> future = attempt.get();
            if (!Groups.await(network, future, deadlineMs)) {
                throw new TimeoutException(what + " did not complete in time");
            }
            Throwable failure = Groups.failure(future);
            if (failure == null) {
                return future.join();
            }
            if (!(failure instanceof SluiceClientException s) || !s.isRetriable()) {
                throw failure instanceof RuntimeException r ? r : new SluiceClientException(what + " failed", failure);
            }
            if (network.clockMs() >= deadlineMs) {
                throw new TimeoutException(what + " did not complete in time: " + failure.getMessage());
            }
            Groups.sleepUntil(network, Math.min(deadlineMs, network.clockMs() + network.config().retryBackoffMs()));
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}

package dev.sluice.client.consumer.group;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.RetriableException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.GroupSettings;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.Response;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One rebalance from this member's side, driven from poll on the application thread: JoinGroup
 * (again with the coordinator-given id after MEMBER_ID_REQUIRED), the leader's assignment, then
 * SyncGroup. It is resumable: when poll's time runs out the request in flight is kept and the
 * next poll waits for it, because a JoinGroup parks on the broker until every member has joined.
 */
final class Rebalancer {
    private static final System.Logger LOG = System.getLogger(Rebalancer.class.getName());

    private final String groupId;
    private final GroupSettings settings;
    private final NetworkClient network;
    private final CoordinatorFinder finder;
    private final MemberState state;
    private final LeaderAssignment leader;
    private CompletableFuture<Response> join;
    private CompletableFuture<Response> sync;
    private Generation syncing;

    Rebalancer(String groupId, GroupSettings settings, NetworkClient network, CoordinatorFinder finder,
               MemberState state, LeaderAssignment leader) {
        this.groupId = groupId;
        this.settings = settings;
        this.network = network;
        this.finder = finder;
        this.state = state;
        this.leader = leader;
    }

    /**
     * Advances the rebalance until {@code deadlineMs}.
     *
     * @param protocols our JoinGroup protocols, built when a JoinGroup is sent (they carry our owned partitions)
     * @return the assignment once SyncGroup answered; null if not there yet, or if the generation
     *         was reset on the way (the caller handles lost partitions and calls again)
     */
    List<TopicPartition> run(long deadlineMs, Supplier<List<GroupRequests.Protocol>> protocols) {
        while (true) {
            if (sync != null) {
                if (!Groups.await(network, sync, deadlineMs)) {
                    return null;
                }
                CompletableFuture<Response> done = sync;
                sync = null;
                List<TopicPartition> assignment = synced(done);
                if (assignment != null || !state.generation().isValid()) {
                    return assignment;
                }
                continue;
            }
            if (join != null) {
                if (!Groups.await(network, join, deadlineMs)) {
                    return null;
                }
                CompletableFuture<Response> done = join;
                join = null;
                if (!joined(done, deadlineMs)) {
                    return null;
                }
                continue;
            }
            if (network.clockMs() >= deadlineMs) {
                return null;
            }
            Node coordinator = finder.await(deadlineMs);
            if (coordinator == null) {
                return null;
            }
            state.joining();
            String memberId = state.generation().memberId();
            List<GroupRequests.Protocol> offered = protocols.get();
            // the broker holds a JoinGroup for up to the rebalance timeout
            long timeout = Math.max(network.config().requestTimeoutMs(), settings.maxPollIntervalMs() + 5_000L);
            join = network.send(coordinator, ApiKey.JOIN_GROUP, v -> GroupRequests.join(v, groupId,
                    settings.groupInstanceId(), memberId, settings.sessionTimeoutMs(), settings.maxPollIntervalMs(),
                    offered, "rebalance"), timeout, true);
        }
    }

    /** Handles a JoinGroup answer; false when the caller should return (backoff or a reset generation). */
    private boolean joined(CompletableFuture<Response> done, long deadlineMs) {
        Throwable failure = Groups.failure(done);
        if (failure != null) {
            coordinatorFailed(failure, deadlineMs);
            return true;
        }
        Struct body = done.join().body();
        Errors error = Errors.forCode(body.getShort("ErrorCode"));
        switch (error) {
            case NONE -> {
                Generation generation = new Generation(body.getInt("GenerationId"), body.getString("MemberId"),
                        body.getString("ProtocolName"));
                state.joined(generation);
                sync(generation, body, deadlineMs);
                return true;
            }
            case MEMBER_ID_REQUIRED -> { // KIP-394: join again under the id the coordinator chose
                state.memberId(body.getString("MemberId"));
                return true;
            }
            case UNKNOWN_MEMBER_ID -> {
                state.resetGeneration("JoinGroup: unknown member", false);
                return false;
            }
            case REBALANCE_IN_PROGRESS -> {
                return true;
            }
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> {
                finder.markUnknown("JoinGroup answered " + error);
                return true;
            }
            case COORDINATOR_LOAD_IN_PROGRESS -> {
                Groups.sleepUntil(network, Math.min(deadlineMs, network.clockMs() + network.config().retryBackoffMs()));
                return true;
            }
            default -> throw ErrorMapper.toException(error.code(), "JoinGroup of group " + groupId);
        }
    }

    private void sync(Generation generation, Struct joinResponse, long deadlineMs) {
        Map<String, byte[]> assignments = Map.of();
        if (joinResponse.getString("Leader").equals(generation.memberId())
                && !(joinResponse.get("SkipAssignment") instanceof Boolean skip && skip)) {
            List<LeaderAssignment.Member> members = new ArrayList<>();
            for (Struct m : joinResponse.getArray("Members")) {
                members.add(new LeaderAssignment.Member(m.getString("MemberId"), m.getString("GroupInstanceId"),
                        bytes(m.getBytes("Metadata"))));
            }
            assignments = leader.assign(generation.protocolName(), members, deadlineMs);
        } else {
            leader.forget(); // only the leader watches the metadata for the group
        }
        Node coordinator = finder.coordinator();
        if (coordinator == null) {
            state.requestRejoin("coordinator lost before SyncGroup");
            return;
        }
        Map<String, byte[]> toSend = assignments;
        syncing = generation;
        sync = network.send(coordinator, ApiKey.SYNC_GROUP,
                v -> GroupRequests.sync(v, groupId, settings.groupInstanceId(), generation, toSend));
    }

    /** Handles a SyncGroup answer: the assignment, or null after arranging the retry. */
    private List<TopicPartition> synced(CompletableFuture<Response> done) {
        Throwable failure = Groups.failure(done);
        if (failure != null) {
            coordinatorFailed(failure, network.clockMs());
            return null;
        }
        Errors error = Errors.forCode(done.join().body().getShort("ErrorCode"));
        switch (error) {
            case NONE -> {
                if (!syncing.equals(state.generation())) {
                    return null; // the heartbeat thread reset us meanwhile
                }
                state.stable();
                return ConsumerProtocol.decodeAssignment(bytes(done.join().body().getBytes("Assignment")));
            }
            case REBALANCE_IN_PROGRESS -> state.requestRejoin("SyncGroup: the group is rebalancing again");
            case UNKNOWN_MEMBER_ID -> state.resetGeneration("SyncGroup: unknown member", false);
            case ILLEGAL_GENERATION -> state.resetGeneration("SyncGroup: generation is over", true);
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> finder.markUnknown("SyncGroup answered " + error);
            default -> throw ErrorMapper.toException(error.code(), "SyncGroup of group " + groupId);
        }
        return null;
    }

    private void coordinatorFailed(Throwable failure, long deadlineMs) {
        if (failure instanceof SluiceClientException s && !s.isRetriable() && !(failure instanceof RetriableException)) {
            throw s;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "group request failed: " + failure.getMessage());
        finder.markUnknown(failure.getMessage());
        Groups.sleepUntil(network, Math.min(deadlineMs, network.clockMs() + network.config().retryBackoffMs()));
    }

    /** Forgets requests in flight (leaving the group); their answers are ignored. */
    void abandon() {
        join = null;
        sync = null;
    }

    boolean inProgress() {
        return join != null || sync != null;
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        if (b == null) {
            return new byte[0];
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}

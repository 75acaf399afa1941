package dev.sluice.client.consumer.group;

import dev.sluice.client.consumer.GroupSettings;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;

/**
 * Keeps a stable member alive, on the I/O thread (a {@link NetworkClient.Ticker}, so heartbeats
 * go out while the application processes records): one Heartbeat every
 * {@code heartbeat.interval.ms}, reacting to the coordinator's answer (rebalance → rejoin at the
 * next poll; unknown member or generation → our partitions are lost). It also enforces
 * {@code max.poll.interval.ms}: a member whose application stopped polling leaves the group, so
 * its partitions go to members that make progress.
 */
final class Heartbeater implements NetworkClient.Ticker {
    private static final System.Logger LOG = System.getLogger(Heartbeater.class.getName());

    private final String groupId;
    private final GroupSettings settings;
    private final NetworkClient network;
    private final CoordinatorFinder finder;
    private final MemberState state;
    private boolean inFlight;          // I/O thread only
    private long lastSentMs;
    private long lastAnsweredMs;

    Heartbeater(String groupId, GroupSettings settings, NetworkClient network, CoordinatorFinder finder,
                MemberState state) {
        this.groupId = groupId;
        this.settings = settings;
        this.network = network;
        this.finder = finder;
        this.state = state;
    }

    @Override
    public long tick(long now) {
        Generation generation = state.generation();
        if (state.phase() != MemberState.Phase.STABLE || !generation.isValid()) {
            lastAnsweredMs = now; // the session clock starts with the next generation
            return Long.MAX_VALUE;
        }
        long pollDeadline = state.pollDeadlineMs(settings.maxPollIntervalMs());
        if (now >= pollDeadline) {
            leaveForPollTimeout(generation);
            return Long.MAX_VALUE;
        }
        Node coordinator = finder.coordinator();
        if (now - lastAnsweredMs > settings.sessionTimeoutMs()) {
            finder.markUnknown("no heartbeat answered within session.timeout.ms");
            lastAnsweredMs = now;
            coordinator = null;
        }
        if (coordinator == null) {
            finder.lookup();
            return Math.min(network.config().retryBackoffMs(), pollDeadline - now);
        }
        long due = lastSentMs + settings.heartbeatIntervalMs();
        if (inFlight || now < due) {
            return Math.min(inFlight ? Long.MAX_VALUE : due - now, pollDeadline - now);
        }
        send(coordinator, generation, now);
        return Math.min(settings.heartbeatIntervalMs(), pollDeadline - now);
    }

    private void send(Node coordinator, Generation generation, long now) {
        inFlight = true;
        lastSentMs = now;
        network.send(coordinator, ApiKey.HEARTBEAT,
                v -> GroupRequests.heartbeat(v, groupId, settings.groupInstanceId(), generation))
                .whenComplete((response, error) -> {
                    inFlight = false;
                    if (error != null) {
                        finder.markUnknown("heartbeat failed: " + error.getMessage());
                        return;
                    }
                    lastAnsweredMs = network.clockMs();
                    answered(Errors.forCode(response.body().getShort("ErrorCode")), generation);
                });
    }

    private void answered(Errors error, Generation sent) {
        if (!sent.equals(state.generation())) {
            return; // a rebalance moved on meanwhile
        }
        switch (error) {
            case NONE -> { }
            case REBALANCE_IN_PROGRESS -> state.requestRejoin("the group is rebalancing");
            case ILLEGAL_GENERATION -> state.resetGeneration("generation " + sent.generationId() + " is over", true);
            case UNKNOWN_MEMBER_ID -> state.resetGeneration("the coordinator does not know member " + sent.memberId(), false);
            case FENCED_INSTANCE_ID -> state.fail(new dev.sluice.client.SluiceClientException(
                    "group.instance.id " + settings.groupInstanceId() + " is used by another consumer (fenced)"));
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS ->
                    finder.markUnknown("heartbeat answered " + error);
            default -> LOG.log(System.Logger.Level.WARNING, () -> "heartbeat of group " + groupId + " failed: " + error);
        }
    }

    /** The application did not poll in time: give the partitions up so the group can move on. */
    private void leaveForPollTimeout(Generation generation) {
        LOG.log(System.Logger.Level.WARNING, () -> "poll was not called within max.poll.interval.ms="
                + settings.maxPollIntervalMs() + "; leaving group " + groupId + " (the next poll rejoins)");
        Node coordinator = finder.coordinator();
        if (coordinator != null && settings.groupInstanceId() == null) {
            // a static member just lets its session expire: its instance id keeps its place
            network.send(coordinator, ApiKey.LEAVE_GROUP, v -> GroupRequests.leave(v, groupId, null,
                    generation.memberId(), "consumer poll timeout has expired"));
        }
        state.resetGeneration("poll timeout", false);
    }
}

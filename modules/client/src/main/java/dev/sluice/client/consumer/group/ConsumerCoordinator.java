package dev.sluice.client.consumer.group;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.GroupSettings;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.OffsetCommitCallback;
import dev.sluice.client.consumer.assignor.PartitionAssignor;
import dev.sluice.client.consumer.assignor.RebalanceProtocol;
import dev.sluice.client.consumer.internals.SubscriptionState;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The consumer's side of its group, called by the engine on the application thread: keeps the
 * member in the group while subscribed (rebalancing inside poll, revoking and assigning through
 * the listener and the fetcher's {@link SubscriptionState}), seeds positions of new partitions
 * from committed offsets, auto-commits, and leaves on unsubscribe and close. Heartbeats run on
 * the I/O thread ({@link Heartbeater}).
 */
public final class ConsumerCoordinator {
    private static final System.Logger LOG = System.getLogger(ConsumerCoordinator.class.getName());

    private final String groupId;
    private final GroupSettings settings;
    private final long defaultApiTimeoutMs;
    private final NetworkClient network;
    private final Metadata metadata;
    private final SubscriptionState subscriptions;
    private final Runnable assignmentChanged;
    private final List<PartitionAssignor> assignors;
    private final RebalanceProtocol protocol;
    private final MemberState state;
    private final CoordinatorFinder finder;
    private final Heartbeater heartbeater;
    private final LeaderAssignment leader;
    private final Rebalancer rebalancer;
    private final OffsetCommitter committer;

    private TopicSubscription subscription;
    private boolean needsJoinPrepare = true;
    private long nextAutoCommitMs;
    private CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> pendingCommitted;
    private Set<TopicPartition> pendingCommittedFor = Set.of();

    /**
     * @param assignmentChanged run after the assignment shrinks or grows (drops stale buffered data)
     * @param wakePoll          wakes a poll waiting for records when the group needs it
     */
    public ConsumerCoordinator(ConsumerConfig config, NetworkClient network, Metadata metadata,
                               SubscriptionState subscriptions, Runnable assignmentChanged, Runnable wakePoll) {
        this.groupId = config.groupId();
        this.settings = config.group();
        this.defaultApiTimeoutMs = config.defaultApiTimeoutMs();
        this.network = network;
        this.metadata = metadata;
        this.subscriptions = subscriptions;
        this.assignmentChanged = assignmentChanged;
        this.assignors = settings.newAssignors();
        // cooperative only if every assignor we offer is: the coordinator may pick any of them
        this.protocol = assignors.stream().allMatch(a -> a.rebalanceProtocol() == RebalanceProtocol.COOPERATIVE)
                ? RebalanceProtocol.COOPERATIVE : RebalanceProtocol.EAGER;
        this.state = new MemberState(wakePoll);
        this.finder = new CoordinatorFinder(groupId, network, metadata);
        this.heartbeater = new Heartbeater(groupId, settings, network, finder, state);
        this.leader = new LeaderAssignment(metadata, assignors);
        this.rebalancer = new Rebalancer(groupId, settings, network, finder, state, leader);
        this.committer = new OffsetCommitter(groupId, settings.groupInstanceId(), network, finder, state,
                config.readCommitted());
        network.addTicker(heartbeater);
    }

    // ---- subscription

    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        if (topics.isEmpty()) {
            unsubscribe();
            return;
        }
        subscribe(TopicSubscription.of(topics, listener));
        topics.forEach(metadata::add);
    }

    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        subscribe(TopicSubscription.of(pattern, listener));
        metadata.trackAllTopics();
    }

    private void subscribe(TopicSubscription next) {
        subscription = next;
        state.requestRejoin("subscription changed");
    }

    public boolean isSubscribed() {
        return subscription != null;
    }

    /** Topics of the current subscription (for a pattern: the ones it matches now). */
    public Set<String> subscription() {
        return subscription == null ? Set.of() : subscription.topics();
    }

    /** Gives up every partition (telling the listener) and leaves the group. */
    public void unsubscribe() {
        if (subscription == null) {
            return;
        }
        giveUpAll(subscription.listener());
        leaveGroup("the consumer unsubscribed", network.clockMs() + defaultApiTimeoutMs);
        subscription = null;
    }

    // ---- poll

    public void pollStarted() {
        state.pollStarted(network.clockMs());
    }

    public void pollEnded() {
        state.pollEnded(network.clockMs());
    }

    /** True when a poll waiting for records should come back here instead. */
    public boolean needsAttention() {
        return subscription != null && state.needsAttention();
    }

    /**
     * Whatever the group needs before records can flow, until {@code deadlineMs}: rejoin,
     * committed offsets for new partitions, a due auto-commit. Queued commit callbacks run first.
     */
    public void poll(long deadlineMs) {
        state.throwIfFailed();
        committer.runCallbacks();
        if (subscription != null) {
            if (subscription.refresh(metadata.cluster())) {
                subscription.topics().forEach(metadata::add);
                state.requestRejoin("the pattern now matches " + subscription.topics());
            }
            if (state.phase() == MemberState.Phase.STABLE && leader.metadataChanged(metadata.cluster())) {
                state.requestRejoin("partition counts of subscribed topics changed");
            }
            if (!ensureActiveGroup(deadlineMs)) {
                return;
            }
            refreshCommitted(deadlineMs);
        }
        maybeAutoCommit();
    }

    /** Rebalances until the member is stable or the deadline passes; true if stable. */
    private boolean ensureActiveGroup(long deadlineMs) {
        while (true) {
            state.throwIfFailed();
            handleLost();
            if (!state.rejoinNeeded() && state.phase() == MemberState.Phase.STABLE) {
                return true;
            }
            if (needsJoinPrepare && !rebalancer.inProgress()) {
                onJoinPrepare();
                needsJoinPrepare = false;
            }
            List<TopicPartition> assigned = rebalancer.run(deadlineMs, this::protocols);
            if (assigned != null) {
                onJoinComplete(assigned);
                needsJoinPrepare = true;
            } else if (network.clockMs() >= deadlineMs) {
                return false;
            }
        }
    }

    /** What we offer in JoinGroup: one subscription per assignor, carrying what we own now. */
    private List<GroupRequests.Protocol> protocols() {
        Generation generation = state.generation();
        List<String> topics = new ArrayList<>(subscription.topics());
        List<TopicPartition> owned = new ArrayList<>(subscriptions.assignment());
        List<GroupRequests.Protocol> out = new ArrayList<>();
        for (PartitionAssignor a : assignors) {
            out.add(new GroupRequests.Protocol(a.name(), ConsumerProtocol.encodeSubscription(new ConsumerProtocol.Subscription(
                    topics, a.subscriptionUserData(generation.generationId()), owned, generation.generationId(), null))));
        }
        return out;
    }

    /** Our generation is gone while we still hold partitions: someone else may have them already. */
    private void handleLost() {
        Set<TopicPartition> owned = subscriptions.assignment();
        if (!state.generation().isValid() && !owned.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, () -> "group " + groupId + ": partitions lost " + owned);
            setAssignment(Set.of());
            callListener(() -> subscription.listener().onPartitionsLost(owned));
        }
    }

    /** Before joining: commit if auto-committing, and revoke what the protocol says to give up now. */
    private void onJoinPrepare() {
        if (settings.enableAutoCommit() && state.generation().isValid()) {
            commitQuietly("before rebalancing");
        }
        Set<TopicPartition> owned = subscriptions.assignment();
        Set<TopicPartition> revoked = new LinkedHashSet<>();
        for (TopicPartition tp : owned) {
            if (protocol == RebalanceProtocol.EAGER || !subscription.topics().contains(tp.topic())) {
                revoked.add(tp);
            }
        }
        if (!revoked.isEmpty()) {
            callListener(() -> subscription.listener().onPartitionsRevoked(revoked));
            Set<TopicPartition> kept = new LinkedHashSet<>(owned);
            kept.removeAll(revoked);
            setAssignment(kept);
        }
    }

    private void onJoinComplete(List<TopicPartition> assignedList) {
        Set<TopicPartition> assigned = new LinkedHashSet<>(assignedList);
        Set<TopicPartition> owned = subscriptions.assignment();
        if (protocol == RebalanceProtocol.COOPERATIVE) {
            Set<TopicPartition> revoked = new LinkedHashSet<>(owned);
            revoked.removeAll(assigned);
            if (!revoked.isEmpty()) {
                // revoke before the assignment changes (the listener may commit them); then a
                // second rebalance lets their new owners have them
                callListener(() -> subscription.listener().onPartitionsRevoked(revoked));
                state.requestRejoin("partitions revoked: " + revoked);
            }
        }
        Set<TopicPartition> added = new LinkedHashSet<>(assigned);
        added.removeAll(owned);
        setAssignment(assigned);
        LOG.log(System.Logger.Level.INFO, () -> "group " + groupId + " generation " + state.generation().generationId()
                + ": assigned " + assigned);
        callListener(() -> subscription.listener().onPartitionsAssigned(added));
        nextAutoCommitMs = network.clockMs() + settings.autoCommitIntervalMs();
    }

    private void setAssignment(Set<TopicPartition> partitions) {
        subscriptions.assignFromGroup(partitions);
        assignmentChanged.run();
    }

    /** Listener exceptions are logged, not thrown: the rebalance must finish either way. */
    private void callListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "rebalance listener of group " + groupId + " failed", e);
        }
    }

    /** Positions of new partitions from their committed offsets; a lookup survives across polls. */
    public void refreshCommitted(long deadlineMs) {
        Set<TopicPartition> awaiting = subscriptions.awaitingCommitted();
        if (awaiting.isEmpty()) {
            return;
        }
        if (pendingCommitted == null || !pendingCommittedFor.equals(awaiting)) {
            if (finder.await(deadlineMs) == null) {
                return;
            }
            pendingCommitted = committer.fetch(awaiting);
            pendingCommittedFor = awaiting;
        }
        if (!Groups.await(network, pendingCommitted, deadlineMs)) {
            return;
        }
        CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> done = pendingCommitted;
        pendingCommitted = null;
        Throwable failure = Groups.failure(done);
        if (failure != null) {
            if (failure instanceof SluiceClientException s && !s.isRetriable()) {
                throw s;
            }
            return; // retried at the next poll
        }
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : pendingCommittedFor) {
            OffsetAndMetadata committed = done.join().get(tp);
            positions.put(tp, committed == null ? null : committed.offset());
        }
        subscriptions.committedFound(positions);
        network.wakeup();
    }

    // ---- offsets

    private void maybeAutoCommit() {
        long now = network.clockMs();
        if (!settings.enableAutoCommit() || now < nextAutoCommitMs
                || (subscription != null && state.phase() != MemberState.Phase.STABLE)) {
            return;
        }
        nextAutoCommitMs = now + settings.autoCommitIntervalMs();
        Map<TopicPartition, OffsetAndMetadata> offsets = consumed();
        committer.commitAsync(offsets, (o, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, () -> "auto-commit of " + o.keySet() + " failed: " + error.getMessage());
            }
        });
    }

    private void commitQuietly(String when) {
        try {
            committer.commitSync(consumed(), network.clockMs() + defaultApiTimeoutMs);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "auto-commit " + when + " failed: " + e.getMessage());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> consumed() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        subscriptions.allConsumed().forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
        return out;
    }

    /** Commits {@code offsets}, or everything consumed when null. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineMs) {
        committer.runCallbacks();
        committer.commitSync(offsets == null ? consumed() : offsets, deadlineMs);
    }

    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        committer.runCallbacks();
        committer.commitAsync(offsets == null ? consumed() : offsets, callback == null ? (o, e) -> { } : callback);
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, long deadlineMs) {
        Map<TopicPartition, OffsetAndMetadata> found = committer.fetchSync(partitions, deadlineMs);
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, found.get(tp))); // null where nothing is committed
        return out;
    }

    public ConsumerGroupMetadata groupMetadata() {
        Generation g = state.generation();
        return new ConsumerGroupMetadata(groupId, g.generationId(), g.memberId(), settings.groupInstanceId());
    }

    // ---- leaving

    private void giveUpAll(ConsumerRebalanceListener listener) {
        Set<TopicPartition> owned = subscriptions.assignment();
        if (owned.isEmpty()) {
            return;
        }
        boolean lost = !state.generation().isValid();
        callListener(() -> {
            if (lost) {
                listener.onPartitionsLost(owned);
            } else {
                listener.onPartitionsRevoked(owned);
            }
        });
        setAssignment(Set.of());
    }

    /** LeaveGroup for a dynamic member (a static one keeps its place until its session expires). */
    private void leaveGroup(String reason, long deadlineMs) {
        rebalancer.abandon();
        Generation g = state.generation();
        Node coordinator = finder.coordinator();
        state.left();
        needsJoinPrepare = true;
        leader.forget();
        if (g.memberId().isEmpty() || settings.groupInstanceId() != null || coordinator == null) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, () -> "member " + g.memberId() + " leaves group " + groupId + ": " + reason);
        CompletableFuture<?> leave = network.send(coordinator, ApiKey.LEAVE_GROUP,
                v -> GroupRequests.leave(v, groupId, null, g.memberId(), reason));
        Groups.await(network, leave, deadlineMs); // best effort: the session timeout removes us otherwise
    }

    /** Commits if auto-committing, revokes everything and leaves; the network stays open for the caller to close. */
    public void close(long deadlineMs) {
        try {
            if (settings.enableAutoCommit() && (subscription == null || state.generation().isValid())) {
                try {
                    committer.commitSync(consumed(), deadlineMs);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, () -> "auto-commit on close failed: " + e.getMessage());
                }
            }
            if (subscription != null) {
                giveUpAll(subscription.listener());
                leaveGroup("the consumer is closing", deadlineMs);
            }
            committer.runCallbacks();
        } finally {
            network.removeTicker(heartbeater);
        }
    }
}

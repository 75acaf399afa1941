package dev.sluice.broker.partition;

import dev.sluice.api.storage.TopicPartition;

import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * A leader's upkeep of its partition's replicas (Kafka's ISR half of {@code Partition}): the
 * controller's assignment, each follower's progress ({@link ReplicaProgress}), and the ISR changes
 * the leader proposes — an expansion when a follower has caught up, a shrink when one lags past
 * {@code replica.lag.time.max.ms} — with the controller's answers to them.
 *
 * <p>Threads: the methods that change the ISR or propose a change run under the owning
 * {@link Partition}'s append lock (which also guards the role and the high watermark they feed);
 * the read methods may be called from any thread (volatile fields, synchronized progress).
 */
public final class InSyncReplicas {
    private static final System.Logger LOG = System.getLogger(InSyncReplicas.class.getName());

    private final TopicPartition topicPartition;
    private final ReplicaProgress progress = new ReplicaProgress();
    /** Set by the controller's LeaderAndIsr; null while the partition is this node's alone. */
    private volatile ReplicaAssignment assignment;
    /**
     * Which brokers are alive (the metadata cache): only a live follower outside the ISR holds the
     * high watermark, and only live followers count in the low watermark.
     */
    private volatile IntPredicate liveBroker = id -> true;

    InSyncReplicas(TopicPartition topicPartition) {
        this.topicPartition = topicPartition;
    }

    /** The replicas and ISR the controller assigned, or null if none did (a single node). */
    public ReplicaAssignment assignment() {
        return assignment;
    }

    /** True if {@code replicaId} is a follower of this partition (may fetch as a replica). */
    public boolean isFollower(int replicaId) {
        return progress.isFollower(replicaId);
    }

    /** The in-sync followers the controller committed (the leader not included). */
    public Set<Integer> inSyncFollowers() {
        return progress.inSyncFollowers();
    }

    /** The committed in-sync followers plus a newcomer of a pending expansion (Kafka's maximal ISR, less the leader). */
    public Set<Integer> maximalInSyncFollowers() {
        return progress.maximalInSyncFollowers();
    }

    /** The ISR change sent to the controller and not yet committed, or null. */
    public IsrChange pendingChange() {
        return progress.pending();
    }

    /** The last log end {@code replicaId} reported by fetching, or -1. */
    public long followerLogEndOffset(int replicaId) {
        return progress.followerLogEnd(replicaId);
    }

    /** The ISR size (the leader included) as the controller committed it. */
    public int inSyncReplicaCount() {
        return 1 + progress.inSyncFollowers().size();
    }

    /** The maximal ISR size (the leader included): what an acks=all acknowledgement is checked against. */
    public int maximalInSyncReplicaCount() {
        return 1 + progress.maximalInSyncFollowers().size();
    }

    /**
     * {@code min.insync.replicas} as it applies here: at most the number of replicas, so a broker
     * default above a topic's replication factor does not make it unwritable.
     */
    int effectiveMinInSyncReplicas(int minInSyncReplicas) {
        ReplicaAssignment current = assignment;
        int replicaCount = current != null ? current.replicas().size() : 1 + progress.followerCount();
        return Math.min(minInSyncReplicas, Math.max(1, replicaCount));
    }

    /** Kafka's low watermark: the smallest log start among the leader ({@code leaderLogStart}) and its live followers. */
    long lowWatermark(long leaderLogStart) {
        return progress.lowestFollowerLogStart(leaderLogStart, liveBroker);
    }

    /** The high watermark the replicas' log ends allow (the leader's own log end with no followers). */
    long highWatermarkFor(long leaderLogEnd, long nowMs, long maxLagMs) {
        return progress.highWatermarkFor(leaderLogEnd, nowMs, maxLagMs, liveBroker);
    }

    void liveBrokers(IntPredicate alive) {
        this.liveBroker = alive;
    }

    void assignment(ReplicaAssignment assignment) {
        this.assignment = assignment;
    }

    /** LeaderAndIsr: the followers and which are in sync; a new leader forgets what it knew of them. */
    void assign(Set<Integer> followers, Set<Integer> inSyncFollowers, int partitionEpoch, long nowMs, boolean newLeader) {
        progress.assign(followers, inSyncFollowers, partitionEpoch, nowMs, newLeader);
    }

    /** A follower's fetch: its position and caught-up time. Under the append lock. */
    ReplicaProgress.Update followerFetched(int replicaId, long fetchOffset, long followerLogStartOffset, long nowMs,
                                           long leaderLogEndOffset) {
        return progress.update(replicaId, fetchOffset, followerLogStartOffset, nowMs, leaderLogEndOffset);
    }

    /**
     * Proposes {@code replicaId} for the ISR if it may join now (caught up to the high watermark and
     * into the current epoch); the change to send to the controller, or null. Under the append lock.
     */
    IsrChange proposeExpansion(int replicaId, int leaderEpoch, long highWatermark, long leaderEpochStartOffset) {
        if (!progress.canJoin(replicaId, highWatermark, leaderEpochStartOffset)) {
            return null;
        }
        Set<Integer> next = new HashSet<>(progress.inSyncFollowers());
        next.add(replicaId);
        IsrChange expand = new IsrChange(topicPartition, leaderEpoch, progress.partitionEpoch(), next, true);
        progress.propose(expand);
        return expand;
    }

    /**
     * Kafka's {@code maybeShrinkIsr}: proposes removing the in-sync followers not caught up within
     * {@code maxLagMs}; the change to send, or null (none lags, or a change is pending). Under the append lock.
     */
    IsrChange proposeShrink(int leaderEpoch, long leaderLogEnd, long nowMs, long maxLagMs) {
        Set<Integer> out = progress.outOfSync(leaderLogEnd, nowMs, maxLagMs);
        if (out.isEmpty()) {
            return null;
        }
        Set<Integer> next = new HashSet<>(progress.inSyncFollowers());
        next.removeAll(out);
        IsrChange shrink = new IsrChange(topicPartition, leaderEpoch, progress.partitionEpoch(), next, false);
        progress.propose(shrink);
        LOG.log(System.Logger.Level.INFO, () -> topicPartition + ": shrinking the ISR, followers " + out
                + " not caught up within " + maxLagMs + " ms");
        return shrink;
    }

    /**
     * The controller's answer to {@code change}, proposed by this leader in {@code leaderEpoch}.
     * Committed in the same epoch, the new ISR and partition epoch take effect; refused, the change
     * is withdrawn. Under the append lock.
     *
     * @return true if the ISR the high watermark counts may have changed
     */
    boolean answered(IsrChange change, IsrChangeAnswer answer, int localBrokerId, int leaderEpoch) {
        if (answer instanceof IsrChangeAnswer.Committed c) {
            if (c.leaderEpoch() != leaderEpoch) {
                return false;
            }
            Set<Integer> inSync = new HashSet<>(c.isr());
            inSync.remove(localBrokerId);
            if (!progress.committed(change, inSync, c.partitionEpoch())) {
                return false;
            }
            ReplicaAssignment current = assignment;
            if (current != null) {
                assignment = new ReplicaAssignment(current.replicas(), c.isr(), c.partitionEpoch());
            }
            LOG.log(System.Logger.Level.INFO, () -> topicPartition + ": ISR now " + c.isr()
                    + " (partition epoch " + c.partitionEpoch() + ")");
            return true;
        }
        if (answer instanceof IsrChangeAnswer.NotApplied n) {
            progress.withdrawn(change); // a withdrawn expansion's newcomer no longer holds the high watermark back
            LOG.log(System.Logger.Level.INFO, () -> topicPartition + ": ISR change to followers "
                    + change.inSyncFollowers() + " not applied: " + n.reason());
            return true;
        }
        if (answer instanceof IsrChangeAnswer.Stale stale) {
            LOG.log(System.Logger.Level.WARNING, () -> topicPartition + ": ISR change to followers "
                    + change.inSyncFollowers() + " refused (" + stale.reason()
                    + "); waiting for the controller's LeaderAndIsr");
        }
        return false;
    }
}

package dev.sluice.broker.partition;

import dev.sluice.api.storage.TopicPartition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * A leader's view of its partition's replicas (Kafka's {@code Replica} states and the ISR half of
 * {@code Partition}): the controller's assignment, each follower's log start and end (from its
 * fetches) and when it was last caught up, the ISR as the controller committed it, and at most one
 * change proposed to the controller and not yet answered — an expansion when a follower has caught
 * up, a shrink when one lags past {@code replica.lag.time.max.ms}. While a change is pending, the
 * high watermark counts the "maximal" ISR (the committed one plus a newcomer of a pending expansion;
 * a follower a pending shrink removes still counts), so the high watermark never depends on a
 * decision the controller may refuse.
 *
 * <p>Caught up (Kafka's {@code lastCaughtUpTimeMs}): a fetch from offset ≥ the leader's log end at
 * this fetch makes the follower caught up now; a fetch from offset ≥ the leader's log end at its
 * previous fetch makes it caught up as of that previous fetch.
 *
 * <p>Threads: the changes run under the owning {@link Partition}'s append lock (which also guards the
 * role and the high watermark they feed), from request handler threads (appends, follower fetches),
 * the ISR check on the scheduler and controller answers on the sender's thread; the read methods may
 * be called from any thread. The follower states are guarded by this object's monitor.
 */
public final class InSyncReplicas {
    private static final System.Logger LOG = System.getLogger(InSyncReplicas.class.getName());
    static final long UNKNOWN = -1L;

    /** One follower's state as seen by the leader. */
    private static final class Follower {
        long logStartOffset = UNKNOWN;
        long logEndOffset = UNKNOWN;
        long lastFetchLeaderLogEndOffset = UNKNOWN;
        long lastFetchTimeMs;
        long lastCaughtUpTimeMs;

        boolean isCaughtUp(long leaderLogEnd, long nowMs, long maxLagMs) {
            return leaderLogEnd == logEndOffset || nowMs - lastCaughtUpTimeMs <= maxLagMs;
        }
    }

    /** What {@link #followerFetched} found. */
    enum Update { NOT_A_FOLLOWER, UPDATED, LOG_START_MOVED }

    private final TopicPartition topicPartition;
    private final Map<Integer, Follower> followers = new HashMap<>();
    private Set<Integer> committedInSync = Set.of();
    private int partitionEpoch;
    /** The change sent to the controller and not yet answered (or refused), or null. */
    private IsrChange pending;
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
    public synchronized boolean isFollower(int replicaId) {
        return followers.containsKey(replicaId);
    }

    /** The in-sync followers the controller committed (the leader not included). */
    public synchronized Set<Integer> inSyncFollowers() {
        return committedInSync;
    }

    /** The committed in-sync followers plus a newcomer of a pending expansion (Kafka's maximal ISR, less the leader). */
    public synchronized Set<Integer> maximalInSyncFollowers() {
        if (pending == null) {
            return committedInSync;
        }
        Set<Integer> maximal = new HashSet<>(committedInSync);
        maximal.addAll(pending.inSyncFollowers());
        return maximal;
    }

    /** The ISR change sent to the controller and not yet committed, or null. */
    public synchronized IsrChange pendingChange() {
        return pending;
    }

    /** The last log end {@code replicaId} reported by fetching, or -1. */
    public synchronized long followerLogEndOffset(int replicaId) {
        Follower f = followers.get(replicaId);
        return f == null ? UNKNOWN : f.logEndOffset;
    }

    /** The ISR size (the leader included) as the controller committed it. */
    public synchronized int inSyncReplicaCount() {
        return 1 + committedInSync.size();
    }

    /** The maximal ISR size (the leader included): what an acks=all acknowledgement is checked against. */
    public synchronized int maximalInSyncReplicaCount() {
        return 1 + maximalInSyncFollowers().size();
    }

    /**
     * {@code min.insync.replicas} as it applies here: at most the number of replicas, so a broker
     * default above a topic's replication factor does not make it unwritable.
     */
    synchronized int effectiveMinInSyncReplicas(int minInSyncReplicas) {
        ReplicaAssignment current = assignment;
        int replicaCount = current != null ? current.replicas().size() : 1 + followers.size();
        return Math.min(minInSyncReplicas, Math.max(1, replicaCount));
    }

    void liveBrokers(IntPredicate alive) {
        this.liveBroker = alive;
    }

    void assignment(ReplicaAssignment assignment) {
        this.assignment = assignment;
    }

    /**
     * Replaces the followers and which of them are in sync (LeaderAndIsr). A new leader forgets what
     * it knew of its followers; either way an in-sync follower counts as caught up now and any other
     * as never, as Kafka resets them, and a pending change is dropped: the controller's state replaces it.
     */
    synchronized void assign(Set<Integer> followerIds, Set<Integer> inSyncFollowers, int partitionEpoch, long nowMs,
                             boolean newLeader) {
        if (!followerIds.containsAll(inSyncFollowers)) {
            throw new IllegalArgumentException("in-sync replicas " + inSyncFollowers + " not all in " + followerIds);
        }
        followers.keySet().retainAll(followerIds);
        for (int id : followerIds) {
            Follower f = newLeader ? new Follower() : followers.computeIfAbsent(id, k -> new Follower());
            boolean inSync = inSyncFollowers.contains(id);
            f.lastCaughtUpTimeMs = inSync ? nowMs : 0L;
            f.lastFetchTimeMs = inSync ? nowMs : 0L;
            followers.put(id, f);
        }
        this.committedInSync = Set.copyOf(inSyncFollowers);
        this.partitionEpoch = partitionEpoch;
        this.pending = null;
    }

    /**
     * A follower fetched from {@code fetchOffset} (its log end) reporting {@code logStartOffset},
     * while the leader's log end was {@code leaderLogEnd}: its position and caught-up time.
     */
    synchronized Update followerFetched(int replicaId, long fetchOffset, long logStartOffset, long nowMs,
                                        long leaderLogEnd) {
        Follower f = followers.get(replicaId);
        if (f == null) {
            return Update.NOT_A_FOLLOWER;
        }
        boolean startMoved = f.logStartOffset != logStartOffset;
        if (fetchOffset >= leaderLogEnd) {
            f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, nowMs);
        } else if (fetchOffset >= f.lastFetchLeaderLogEndOffset) {
            f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
        }
        f.logStartOffset = logStartOffset;
        f.logEndOffset = fetchOffset;
        f.lastFetchLeaderLogEndOffset = Math.max(leaderLogEnd, f.lastFetchLeaderLogEndOffset);
        f.lastFetchTimeMs = nowMs;
        return startMoved ? Update.LOG_START_MOVED : Update.UPDATED;
    }

    /**
     * The high watermark the replicas' log ends allow (Kafka's {@code maybeIncrementLeaderHW}): the
     * smallest log end among the maximal ISR and the followers about to join it (caught up, not in
     * it), the leader's own ({@code leaderLogEnd}) included. Runs on every append: allocates nothing.
     */
    synchronized long highWatermarkFor(long leaderLogEnd, long nowMs, long maxLagMs) {
        long hw = leaderLogEnd;
        IntPredicate alive = liveBroker;
        for (Map.Entry<Integer, Follower> e : followers.entrySet()) {
            Follower f = e.getValue();
            if (f.logEndOffset >= hw) {
                continue;
            }
            int id = e.getKey();
            // a caught-up follower outside the ISR is waited for as it is about to join, but only while
            // its broker is alive (Kafka's ZooKeeper-mode isReplicaIsrEligible): a broker that stopped
            // caught up would otherwise hold acks=all back for replica.lag.time.max.ms
            boolean inMaximalIsr = committedInSync.contains(id) || pending != null && pending.inSyncFollowers().contains(id);
            if (inMaximalIsr || f.isCaughtUp(leaderLogEnd, nowMs, maxLagMs) && alive.test(id)) {
                hw = f.logEndOffset;
            }
        }
        return hw;
    }

    /** Kafka's low watermark: the smallest log start among the leader ({@code leaderLogStart}) and its live followers. */
    synchronized long lowWatermark(long leaderLogStart) {
        IntPredicate alive = liveBroker;
        long low = leaderLogStart;
        for (Map.Entry<Integer, Follower> e : followers.entrySet()) {
            if (alive.test(e.getKey()) && e.getValue().logStartOffset < low) {
                low = e.getValue().logStartOffset;
            }
        }
        return low;
    }

    /**
     * Proposes {@code replicaId} for the ISR if it may join now (Kafka's {@code needsExpandIsr}: no
     * change pending, not in it, its log end at least the high watermark and the start of the
     * leader's current epoch); the change to send to the controller, or null.
     */
    synchronized IsrChange proposeExpansion(int replicaId, int leaderEpoch, long highWatermark, long leaderEpochStartOffset) {
        Follower f = followers.get(replicaId);
        if (pending != null || f == null || committedInSync.contains(replicaId)
                || f.logEndOffset < highWatermark || f.logEndOffset < leaderEpochStartOffset) {
            return null;
        }
        Set<Integer> next = new HashSet<>(committedInSync);
        next.add(replicaId);
        pending = new IsrChange(topicPartition, leaderEpoch, partitionEpoch, next, true);
        return pending;
    }

    /**
     * Kafka's {@code maybeShrinkIsr}: proposes removing the in-sync followers not caught up within
     * {@code maxLagMs}; the change to send, or null (none lags, or a change is pending).
     */
    synchronized IsrChange proposeShrink(int leaderEpoch, long leaderLogEnd, long nowMs, long maxLagMs) {
        if (pending != null) {
            return null;
        }
        Set<Integer> out = new HashSet<>();
        for (int id : committedInSync) {
            Follower f = followers.get(id);
            if (f == null || !f.isCaughtUp(leaderLogEnd, nowMs, maxLagMs)) {
                out.add(id);
            }
        }
        if (out.isEmpty()) {
            return null;
        }
        Set<Integer> next = new HashSet<>(committedInSync);
        next.removeAll(out);
        pending = new IsrChange(topicPartition, leaderEpoch, partitionEpoch, next, false);
        LOG.log(System.Logger.Level.INFO, () -> topicPartition + ": shrinking the ISR, followers " + out
                + " not caught up within " + maxLagMs + " ms");
        return pending;
    }

    /**
     * The controller's answer to {@code change}, proposed by this leader in {@code leaderEpoch}.
     * Committed in the same epoch, and still the pending change and not older than what is known,
     * the new ISR and partition epoch take effect; not applied (Kafka: OPERATION_NOT_ATTEMPTED,
     * INELIGIBLE_REPLICA), the change is withdrawn, free to be proposed again; stale, it stays
     * pending until the controller's LeaderAndIsr replaces the state.
     *
     * @return true if the ISR the high watermark counts may have changed
     */
    synchronized boolean answered(IsrChange change, IsrChangeAnswer answer, int localBrokerId, int leaderEpoch) {
        if (answer instanceof IsrChangeAnswer.Committed c) {
            if (c.leaderEpoch() != leaderEpoch || pending != change || c.partitionEpoch() < partitionEpoch) {
                return false;
            }
            Set<Integer> known = new HashSet<>(c.isr());
            known.remove(localBrokerId);
            known.retainAll(followers.keySet());
            committedInSync = Set.copyOf(known);
            partitionEpoch = c.partitionEpoch();
            pending = null;
            ReplicaAssignment current = assignment;
            if (current != null) {
                assignment = new ReplicaAssignment(current.replicas(), c.isr(), c.partitionEpoch());
            }
            LOG.log(System.Logger.Level.INFO, () -> topicPartition + ": ISR now " + c.isr()
                    + " (partition epoch " + c.partitionEpoch() + ")");
            return true;
        }
        if (answer instanceof IsrChangeAnswer.NotApplied n) {
            if (pending == change) {
                pending = null; // a withdrawn expansion's newcomer no longer holds the high watermark back
            }
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

package dev.sluice.broker.partition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The leader's view of its followers (Kafka's {@code Replica} states and the partition's ISR state):
 * each follower's log start and end (from its fetches) and when it was last caught up; the ISR as
 * the controller committed it and at most one change proposed to the controller and not yet
 * answered. While a change is pending, the high watermark counts the "maximal" ISR (the committed
 * one plus a newcomer of a pending expansion; a follower a pending shrink removes still counts),
 * so the high watermark never depends on a decision the controller may refuse.
 *
 * <p>Caught up (Kafka's {@code lastCaughtUpTimeMs}): a fetch from offset ≥ the leader's log end at
 * this fetch makes the follower caught up now; a fetch from offset ≥ the leader's log end at its
 * previous fetch makes it caught up as of that previous fetch.
 *
 * <p>Threads: request handler threads (appends, follower fetches), the ISR check on the scheduler,
 * controller answers on the sender's thread; every method is synchronized.
 */
final class ReplicaProgress {
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

    private final Map<Integer, Follower> followers = new HashMap<>();
    private Set<Integer> committedInSync = Set.of();
    private int partitionEpoch;
    /** The change sent to the controller and not yet answered (or refused), or null. */
    private IsrChange pending;

    /**
     * Replaces the assignment (LeaderAndIsr). A new leader forgets what it knew of its followers;
     * either way an in-sync follower counts as caught up now and any other as never, as Kafka resets
     * them, and a pending change is dropped: the controller's state replaces it.
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

    synchronized int followerCount() {
        return followers.size();
    }

    synchronized boolean isFollower(int replicaId) {
        return followers.containsKey(replicaId);
    }

    /** The in-sync followers the controller committed. */
    synchronized Set<Integer> inSyncFollowers() {
        return committedInSync;
    }

    /** The committed in-sync followers plus those a pending change would add. */
    synchronized Set<Integer> maximalInSyncFollowers() {
        if (pending == null) {
            return committedInSync;
        }
        Set<Integer> maximal = new HashSet<>(committedInSync);
        maximal.addAll(pending.inSyncFollowers());
        return maximal;
    }

    synchronized int partitionEpoch() {
        return partitionEpoch;
    }

    synchronized IsrChange pending() {
        return pending;
    }

    /** What {@link #update} found. */
    enum Update { NOT_A_FOLLOWER, UPDATED, LOG_START_MOVED }

    /**
     * A follower fetched from {@code fetchOffset} (its log end) reporting {@code logStartOffset},
     * while the leader's log end was {@code leaderLogEnd}.
     */
    synchronized Update update(int replicaId, long fetchOffset, long logStartOffset, long nowMs, long leaderLogEnd) {
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

    synchronized long followerLogEnd(int replicaId) {
        Follower f = followers.get(replicaId);
        return f == null ? UNKNOWN : f.logEndOffset;
    }

    /**
     * The high watermark these positions allow (Kafka's {@code maybeIncrementLeaderHW}): the smallest
     * log end among the maximal ISR and the followers about to join it (caught up, not in it), the
     * leader's own log end included.
     */
    synchronized long highWatermarkFor(long leaderLogEnd, long nowMs, long maxLagMs, java.util.function.IntPredicate alive) {
        long hw = leaderLogEnd;
        Set<Integer> maximal = maximalInSyncFollowers();
        for (Map.Entry<Integer, Follower> e : followers.entrySet()) {
            Follower f = e.getValue();
            // a caught-up follower outside the ISR is waited for as it is about to join, but only while
            // its broker is alive (Kafka's ZooKeeper-mode isReplicaIsrEligible): a broker that stopped
            // caught up would otherwise hold acks=all back for replica.lag.time.max.ms
            boolean aboutToJoin = f.isCaughtUp(leaderLogEnd, nowMs, maxLagMs) && alive.test(e.getKey());
            if (f.logEndOffset < hw && (maximal.contains(e.getKey()) || aboutToJoin)) {
                hw = f.logEndOffset;
            }
        }
        return hw;
    }

    /** Followers of the committed ISR not caught up within {@code maxLagMs}; none while a change is pending. */
    synchronized Set<Integer> outOfSync(long leaderLogEnd, long nowMs, long maxLagMs) {
        if (pending != null) {
            return Set.of();
        }
        Set<Integer> out = new HashSet<>();
        for (int id : committedInSync) {
            Follower f = followers.get(id);
            if (f == null || !f.isCaughtUp(leaderLogEnd, nowMs, maxLagMs)) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * Whether {@code replicaId} may join the ISR now (Kafka's {@code needsExpandIsr}): no change
     * pending, not in it, and its log end at least the high watermark and the start of the
     * leader's current epoch.
     */
    synchronized boolean canJoin(int replicaId, long highWatermark, long epochStartOffset) {
        Follower f = followers.get(replicaId);
        return pending == null && f != null && !committedInSync.contains(replicaId)
                && f.logEndOffset >= highWatermark && f.logEndOffset >= epochStartOffset;
    }

    /** Records {@code change} as sent to the controller. */
    synchronized void propose(IsrChange change) {
        if (pending != null) {
            throw new IllegalStateException("an ISR change is already pending: " + pending);
        }
        pending = change;
    }

    /**
     * The controller committed {@code change} as {@code inSyncFollowers} at {@code newPartitionEpoch}:
     * applied only if it is still the pending change and not older than what is known.
     */
    synchronized boolean committed(IsrChange change, Set<Integer> inSyncFollowers, int newPartitionEpoch) {
        if (pending != change || newPartitionEpoch < partitionEpoch) {
            return false;
        }
        Set<Integer> known = new HashSet<>(inSyncFollowers);
        known.retainAll(followers.keySet());
        committedInSync = Set.copyOf(known);
        partitionEpoch = newPartitionEpoch;
        pending = null;
        return true;
    }

    /**
     * The controller refused {@code change} saying the request was not applied (Kafka:
     * OPERATION_NOT_ATTEMPTED, INELIGIBLE_REPLICA): back to the committed ISR, free to try again.
     */
    synchronized void withdrawn(IsrChange change) {
        if (pending == change) {
            pending = null;
        }
    }

    /** The smallest log start among the followers {@code alive} says are up (-1 if one is unknown). */
    synchronized long lowestFollowerLogStart(long leaderLogStart, java.util.function.IntPredicate alive) {
        long low = leaderLogStart;
        for (Map.Entry<Integer, Follower> e : followers.entrySet()) {
            if (alive.test(e.getKey()) && e.getValue().logStartOffset < low) {
                low = e.getValue().logStartOffset;
            }
        }
        return low;
    }
}

package dev.sluice.broker.partition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The leader's view of its followers: which replicas are assigned, which of them are in sync, and
 * how far each has fetched (its log end offset). The high watermark is the smallest log end among
 * the in-sync replicas, the leader included. With no followers (one replica) that is the leader's
 * own log end.
 *
 * <p>Threads: request handler threads (appends, follower fetches); every method is synchronized.
 */
final class ReplicaProgress {
    private Set<Integer> followers = Set.of();
    private Set<Integer> inSyncFollowers = Set.of();
    private final Map<Integer, Long> followerLogEnds = new HashMap<>();

    /** Replaces the assignment; positions of replicas no longer assigned are forgotten. */
    synchronized void assign(Set<Integer> followers, Set<Integer> inSyncFollowers) {
        if (!followers.containsAll(inSyncFollowers)) {
            throw new IllegalArgumentException("in-sync replicas " + inSyncFollowers + " not all in " + followers);
        }
        this.followers = Set.copyOf(followers);
        this.inSyncFollowers = Set.copyOf(inSyncFollowers);
        followerLogEnds.keySet().retainAll(this.followers);
    }

    synchronized boolean isFollower(int replicaId) {
        return followers.contains(replicaId);
    }

    synchronized Set<Integer> inSyncFollowers() {
        return inSyncFollowers;
    }

    /** Records a follower's log end (from its fetch offset); false if it is not a replica of the partition. */
    synchronized boolean update(int replicaId, long logEndOffset) {
        if (!followers.contains(replicaId)) {
            return false;
        }
        followerLogEnds.put(replicaId, logEndOffset);
        return true;
    }

    /** The high watermark these positions allow: the smallest log end among the in-sync replicas. */
    synchronized long highWatermarkFor(long leaderLogEnd) {
        long hw = leaderLogEnd;
        for (int id : inSyncFollowers) {
            hw = Math.min(hw, followerLogEnds.getOrDefault(id, 0L));
        }
        return hw;
    }
}

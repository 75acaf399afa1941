package dev.sluice.broker.replica;

import dev.sluice.broker.partition.PartitionRole;

/**
 * The leader a NOT_LEADER_OR_FOLLOWER answer points to (Produce v10+ / Fetch v12+ CurrentLeader):
 * its broker id and epoch, or -1 for either if unknown.
 */
public record LeaderHint(int leaderId, int leaderEpoch) {
    public static final LeaderHint UNKNOWN = new LeaderHint(-1, -1);

    static LeaderHint of(PartitionRole role) {
        return role instanceof PartitionRole.Follower f ? new LeaderHint(f.leaderId(), f.leaderEpoch()) : UNKNOWN;
    }
}

package dev.sluice.broker.metadata;

import java.util.List;

/**
 * One partition as the cluster knows it: its leader (-1 if none), leader epoch, assigned replicas,
 * in-sync replicas and the replicas whose log directory is offline. Immutable.
 */
public record PartitionState(int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
                             List<Integer> offlineReplicas) {
    /** Kafka's leader id of a partition without a leader. */
    public static final int NO_LEADER = -1;
    /** Kafka's leader sentinel in UpdateMetadata for a partition being deleted. */
    public static final int LEADER_DURING_DELETE = -2;

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        offlineReplicas = List.copyOf(offlineReplicas);
    }

    public boolean hasLeader() {
        return leader >= 0;
    }
}

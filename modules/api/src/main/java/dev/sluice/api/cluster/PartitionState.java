package dev.sluice.api.cluster;

import java.util.List;

/**
 * A partition's leadership as the controller decided it ({@code .../partitions/P/state}): the
 * leader (-1 for none), its leader epoch, the in-sync replicas and the controller epoch of the
 * controller that wrote it.
 */
public record PartitionState(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch) {
    public static final int NO_LEADER = -1;

    public PartitionState {
        isr = List.copyOf(isr);
        if (leader < NO_LEADER || leaderEpoch < 0) {
            throw new IllegalArgumentException("invalid partition state leader=" + leader + " epoch=" + leaderEpoch);
        }
    }
}

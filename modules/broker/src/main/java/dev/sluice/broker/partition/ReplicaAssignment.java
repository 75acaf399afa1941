package dev.sluice.broker.partition;

import java.util.List;

/**
 * A partition's replicas and in-sync replicas as the controller last set them (LeaderAndIsr), with
 * the partition epoch that versioned that decision (ZooKeeper's version of the state znode).
 * Immutable.
 */
public record ReplicaAssignment(List<Integer> replicas, List<Integer> isr, int partitionEpoch) {
    public ReplicaAssignment {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}

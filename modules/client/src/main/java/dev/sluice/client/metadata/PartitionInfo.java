package dev.sluice.client.metadata;

import java.util.List;

/** One partition as metadata describes it; {@code leader} is a node id, or -1 while it has none. */
public record PartitionInfo(String topic, int partition, int leader, int leaderEpoch,
                            List<Integer> replicas, List<Integer> isr) {
    public PartitionInfo {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}

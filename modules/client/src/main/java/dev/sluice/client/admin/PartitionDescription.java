package dev.sluice.client.admin;

import java.util.List;

/** A partition's leader (-1 if none), replicas and in-sync replicas, as broker ids. */
public record PartitionDescription(int partition, int leader, List<Integer> replicas, List<Integer> isr) {
}

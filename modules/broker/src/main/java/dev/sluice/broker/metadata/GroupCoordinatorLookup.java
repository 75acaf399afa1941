package dev.sluice.broker.metadata;

import java.util.Optional;

/**
 * Which broker coordinates a consumer group: the leader of the group's partition of
 * {@code __consumer_offsets} (partition {@code abs(hash(group)) % partitions}, as Kafka and the log
 * offset store compute it), from the metadata cache. Without that topic a single node coordinates
 * every group itself (an offset store that keeps no topic, e.g. {@code offsets.store=lmdb}); a
 * controller-managed broker then knows no coordinator yet.
 */
public final class GroupCoordinatorLookup {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    private GroupCoordinatorLookup() {
    }

    /** The partition of {@code __consumer_offsets} holding {@code group}'s offsets. */
    public static int partitionFor(String group, int partitions) {
        return (group.hashCode() & 0x7fffffff) % partitions;
    }

    /** The live broker coordinating {@code group}, or empty if none is available now. */
    public static Optional<BrokerNode> coordinator(MetadataCache cache, String group) {
        return coordinator(cache, group, false);
    }

    /**
     * As {@link #coordinator(MetadataCache, String)}; a broker {@code clustered} (in a cluster) never
     * coordinates a group before the controller published the topic's leaders.
     */
    public static Optional<BrokerNode> coordinator(MetadataCache cache, String group, boolean clustered) {
        MetadataSnapshot snapshot = cache.snapshot();
        Optional<TopicState> offsets = snapshot.topic(OFFSETS_TOPIC);
        if (offsets.isEmpty() || offsets.get().partitions().isEmpty()) {
            return clustered || cache.controllerManaged() ? Optional.empty() : Optional.of(cache.self());
        }
        PartitionState state = offsets.get().partition(partitionFor(group, offsets.get().partitions().size()));
        if (state == null || !state.hasLeader()) {
            return Optional.empty();
        }
        return snapshot.liveBroker(state.leader());
    }
}

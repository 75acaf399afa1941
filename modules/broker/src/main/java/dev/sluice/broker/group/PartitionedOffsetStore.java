package dev.sluice.broker.group;

import dev.sluice.api.offset.OffsetStore;

/**
 * An offset store whose state is split over the partitions of {@code __consumer_offsets} (a group
 * lives in partition {@code abs(hash(group)) % count}), each loaded into memory and dropped on its
 * own as this broker gains and loses the leadership of that partition. Writes for a group whose
 * partition is not loaded throw {@link NotCoordinatorException}.
 *
 * <p>Threads: {@link #load} and {@link #unload} on the coordinator's loader thread, one at a time;
 * the rest from request handler threads.
 */
public interface PartitionedOffsetStore extends OffsetStore {

    /** Partitions of the topic, or 0 while it is not known (nothing loaded yet). */
    int partitionCount();

    /** The partition holding {@code group}'s records; only once {@link #partitionCount()} is known. */
    int partitionFor(String group);

    /**
     * Replays {@code partition} from its log into memory; from then on its groups are served.
     *
     * @param partitionCount the topic's partition count (fixed once known)
     * @return the number of records replayed
     */
    long load(int partition, int partitionCount);

    /** Drops {@code partition}'s groups from memory and refuses writes for them. */
    void unload(int partition);
}

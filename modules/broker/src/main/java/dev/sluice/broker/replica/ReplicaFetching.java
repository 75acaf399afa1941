package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;

import java.util.Collection;

/**
 * The follower side of replication, as the broker sees it: copy a partition's log from its leader,
 * or stop. The broker does not implement it; a module found by {@link ReplicaFetchingProvider}
 * does (none installed: a single node, nothing is fetched).
 *
 * <p>Threads: {@link #follow} and {@link #unfollow} are called by the request handler applying a
 * LeaderAndIsr or StopReplica (one control request at a time), {@link #close} at shutdown.
 */
public interface ReplicaFetching extends AutoCloseable {

    /** Does nothing: a broker without the replication module. */
    ReplicaFetching NONE = new ReplicaFetching() {
        @Override
        public void follow(Partition partition, int leaderId, int leaderEpoch) {
        }

        @Override
        public void unfollow(Collection<TopicPartition> partitions) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Starts (or restarts) copying {@code partition} from broker {@code leaderId}, which leads it in
     * {@code leaderEpoch}, from this replica's log end. The partition is already a follower.
     */
    void follow(Partition partition, int leaderId, int leaderEpoch);

    /**
     * Stops copying these partitions. On return nothing more is appended to them by a fetcher, so
     * the caller may change their role, truncate or delete them.
     */
    void unfollow(Collection<TopicPartition> partitions);

    /** Stops every fetcher and its threads; nothing is appended after it returns. */
    @Override
    void close();
}

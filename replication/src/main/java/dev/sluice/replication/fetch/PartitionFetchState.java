package dev.sluice.replication.fetch;

import dev.sluice.broker.partition.Partition;

import java.util.UUID;

/**
 * Where a fetcher stands with one partition (Kafka's PartitionFetchState): the next offset to ask
 * for (this replica's log end), the leader epoch it follows, the newest epoch in its log (for the
 * leader's divergence check) and until when it backs off after an error.
 */
record PartitionFetchState(Partition partition, UUID topicId, long fetchOffset, int currentLeaderEpoch,
                           int lastFetchedEpoch, long delayedUntilMs) {

    /** After an append or a truncation: the log's end and newest epoch, no delay. */
    PartitionFetchState atLogEnd() {
        return new PartitionFetchState(partition, topicId, partition.logEndOffset(), currentLeaderEpoch,
                partition.follower().latestEpoch(), 0);
    }

    PartitionFetchState delayedUntil(long untilMs) {
        return new PartitionFetchState(partition, topicId, fetchOffset, currentLeaderEpoch, lastFetchedEpoch, untilMs);
    }

    boolean readyAt(long nowMs) {
        return delayedUntilMs <= nowMs;
    }
}

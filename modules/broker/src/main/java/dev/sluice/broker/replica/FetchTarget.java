package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;

/**
 * One partition of a fetch request.
 *
 * @param topicPartition the partition, or null if its topic is unknown
 * @param maxBytes this partition's byte limit (PartitionMaxBytes)
 * @param currentLeaderEpoch the epoch the client believes current, or -1 to skip the check
 * @param lastFetchedEpoch a follower's: the epoch of the last batch it has (v12+), or -1
 * @param logStartOffset a follower's: its log start (v5+), or -1
 */
public record FetchTarget(TopicPartition topicPartition, long fetchOffset, int maxBytes, int currentLeaderEpoch,
                          int lastFetchedEpoch, long logStartOffset) {

    /** A consumer's target (no last fetched epoch, no log start). */
    public FetchTarget(TopicPartition topicPartition, long fetchOffset, int maxBytes, int currentLeaderEpoch) {
        this(topicPartition, fetchOffset, maxBytes, currentLeaderEpoch, -1, -1L);
    }
}

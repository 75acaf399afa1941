package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;

/**
 * One partition of a fetch request.
 *
 * @param topicPartition the partition, or null if its topic is unknown
 * @param maxBytes this partition's byte limit (PartitionMaxBytes)
 * @param currentLeaderEpoch the epoch the client believes current, or -1 to skip the check
 */
public record FetchTarget(TopicPartition topicPartition, long fetchOffset, int maxBytes, int currentLeaderEpoch) {
}

package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;

/**
 * One partition of a controller's StopReplica request, decoded.
 *
 * @param leaderEpoch the partition's leader epoch, or -1 (versions without it) or -2 (topic
 *                    deletion): both sentinels skip the epoch check, as in Kafka
 * @param delete      also delete the replica's log
 */
public record StopReplicaPartition(TopicPartition topicPartition, int leaderEpoch, boolean delete) {
    /** Kafka's LeaderAndIsr.NO_EPOCH: the request version carries no epoch. */
    public static final int NO_EPOCH = -1;
    /** Kafka's LeaderAndIsr.EPOCH_DURING_DELETE: the topic is being deleted. */
    public static final int EPOCH_DURING_DELETE = -2;
}

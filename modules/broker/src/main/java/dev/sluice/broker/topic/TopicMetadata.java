package dev.sluice.broker.topic;

import java.util.Map;
import java.util.UUID;

/**
 * A topic as the cluster knows it.
 *
 * @param configs     only the overrides set for this topic (defaults come from the broker)
 * @param leaderEpoch the leader epoch its partitions have (one node: fixed at creation). A topic
 *                    re-created under a deleted one's name starts above every epoch the deleted
 *                    one used, so clients holding positions in the old topic detect the change
 *                    (OffsetsForLeaderEpoch) instead of reading on as if the log continued.
 */
public record TopicMetadata(String name, UUID id, int partitions, short replicationFactor, Map<String, String> configs,
                            int leaderEpoch) {
    public TopicMetadata {
        configs = Map.copyOf(configs);
    }

    /** A topic at leader epoch 0. */
    public TopicMetadata(String name, UUID id, int partitions, short replicationFactor, Map<String, String> configs) {
        this(name, id, partitions, replicationFactor, configs, 0);
    }

    public TopicMetadata withPartitions(int count) {
        return new TopicMetadata(name, id, count, replicationFactor, configs, leaderEpoch);
    }

    public TopicMetadata withConfigs(Map<String, String> overrides) {
        return new TopicMetadata(name, id, partitions, replicationFactor, overrides, leaderEpoch);
    }
}

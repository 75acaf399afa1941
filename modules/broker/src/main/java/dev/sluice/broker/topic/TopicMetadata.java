package dev.sluice.broker.topic;

import java.util.Map;
import java.util.UUID;

/**
 * A topic as the cluster knows it.
 *
 * @param configs       only the overrides set for this topic (defaults come from the broker)
 * @param leaderEpoch   the leader epoch its partitions have (one node: fixed at creation). A topic
 *                      re-created under a deleted one's name starts above every epoch the deleted
 *                      one used, so clients holding positions in the old topic detect the change
 *                      (OffsetsForLeaderEpoch) instead of reading on as if the log continued.
 * @param storageEngine the log storage engine its partitions live in, fixed at creation (its
 *                      {@code storage.engine}, else the broker's {@code log.storage} then), so a
 *                      later change of the broker default does not hide its data; null only for
 *                      catalogue entries written before engines were recorded (the partition
 *                      manager finds and records it at start-up). A {@link TopicRegistry} must
 *                      keep it.
 */
public record TopicMetadata(String name, UUID id, int partitions, short replicationFactor, Map<String, String> configs,
                            int leaderEpoch, String storageEngine) {
    public TopicMetadata {
        configs = Map.copyOf(configs);
    }

    /** A topic whose engine is its {@code storage.engine} override, if any (else not recorded). */
    public TopicMetadata(String name, UUID id, int partitions, short replicationFactor, Map<String, String> configs,
                         int leaderEpoch) {
        this(name, id, partitions, replicationFactor, configs, leaderEpoch, configs.get("storage.engine"));
    }

    /** A topic at leader epoch 0. */
    public TopicMetadata(String name, UUID id, int partitions, short replicationFactor, Map<String, String> configs) {
        this(name, id, partitions, replicationFactor, configs, 0);
    }

    public TopicMetadata withPartitions(int count) {
        return new TopicMetadata(name, id, count, replicationFactor, configs, leaderEpoch, storageEngine);
    }

    public TopicMetadata withConfigs(Map<String, String> overrides) {
        return new TopicMetadata(name, id, partitions, replicationFactor, overrides, leaderEpoch, storageEngine);
    }

    public TopicMetadata withStorageEngine(String engine) {
        return new TopicMetadata(name, id, partitions, replicationFactor, configs, leaderEpoch, engine);
    }
}

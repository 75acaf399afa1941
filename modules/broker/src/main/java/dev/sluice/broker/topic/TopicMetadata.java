package dev.sluice.broker.topic;

import java.util.Map;
import java.util.UUID;

/**
 * A topic as the cluster knows it.
 *
 * @param configs only the overrides set for this topic (defaults come from the broker)
 */
public record TopicMetadata(String name, UUID id, int partitions, short replicationFactor, Map<String, String> configs) {
    public TopicMetadata {
        configs = Map.copyOf(configs);
    }

    public TopicMetadata withPartitions(int count) {
        return new TopicMetadata(name, id, count, replicationFactor, configs);
    }

    public TopicMetadata withConfigs(Map<String, String> overrides) {
        return new TopicMetadata(name, id, partitions, replicationFactor, overrides);
    }
}

package dev.sluice.broker.topic;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable catalogue of topics (name, id, partition count, configs, leader epoch). On one node
 * it is {@link FileTopicRegistry}; in a cluster the broker's {@code ClusterTopicRegistry} fills it from the
 * cluster metadata store. Writes are durable
 * when they return; reads may come from any thread.
 */
public interface TopicRegistry {

    /**
     * The leader epoch a new topic starts at: above every epoch of every topic deleted so far
     * (durably: it survives restarts), so a re-created name never repeats an old epoch.
     */
    int initialLeaderEpoch();

    Optional<TopicMetadata> get(String name);

    Optional<TopicMetadata> get(UUID id);

    Collection<TopicMetadata> all();

    /** Creates or replaces the topic's entry. */
    void put(TopicMetadata topic);

    /**
     * Replaces the topic's config overrides (no-op if absent); durable on return. A cluster's
     * catalogue writes them to the cluster metadata store, where every broker picks them up.
     */
    default void writeConfigs(String name, java.util.Map<String, String> overrides) {
        get(name).ifPresent(topic -> put(topic.withConfigs(overrides)));
    }

    /** Removes the topic's entry (no-op if absent). */
    void remove(String name);

    /**
     * In a cluster: the topic named {@code name} as the cluster metadata store has it now, if that
     * topic's id is {@code id} while this catalogue holds another topic of the same name — a topic
     * deleted and re-created while this broker missed the deletion. Empty otherwise, and always on a
     * single node. The caller replaces the stale topic (see {@code PartitionManager.replaceRecreatedTopic}).
     */
    default Optional<TopicMetadata> recreated(String name, UUID id) {
        return Optional.empty();
    }
}

package dev.sluice.broker.topic;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable catalogue of topics (name, id, partition count, configs, leader epoch). On one node
 * it is {@link FileTopicRegistry}; a cluster metadata store can back it later. Writes are durable
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

    /** Removes the topic's entry (no-op if absent). */
    void remove(String name);
}

package dev.sluice.broker.controller;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether a topic allows unclean leader elections: its {@code unclean.leader.election.enable}
 * override in the cluster metadata store, else the controller broker's setting. Each topic's override
 * is read once per controller event ({@link #forget()} starts the next): an override changed meanwhile
 * counts from the next event on.
 *
 * <p>Not thread-safe: only the controller's thread calls it.
 */
final class UncleanElections {

    private static final String UNCLEAN_KEY = "unclean.leader.election.enable";

    private final ClusterMetadataStore store;
    /** Per topic, whether unclean elections are allowed, as read during the current event. */
    private final Map<String, Boolean> byTopic = new HashMap<>();

    UncleanElections(ClusterMetadataStore store) {
        this.store = store;
    }

    /** {@code brokerDefault}: the controller broker's own {@code unclean.leader.election.enable}. */
    boolean allowed(String topic, boolean brokerDefault) {
        return byTopic.computeIfAbsent(topic, name -> {
            String override = store.config(ConfigEntity.topic(name)).get(UNCLEAN_KEY);
            return override == null ? brokerDefault : Boolean.parseBoolean(override.trim());
        });
    }

    /** A new event begins: overrides are read again. */
    void forget() {
        byTopic.clear();
    }
}

package dev.sluice.api.cluster;

import dev.sluice.api.Time;

import java.util.Map;

/**
 * SPI entry point for a cluster metadata store, found with {@link java.util.ServiceLoader}.
 * The broker uses the provider named {@code zookeeper} when {@code zookeeper.connect} is set,
 * and an {@link InProcessMetadataStore} otherwise.
 */
public interface ClusterMetadataStoreProvider {

    String name();

    /**
     * Connects a new session (blocking until connected or the connection timeout passed).
     *
     * @param settings broker settings with Kafka's names ({@code zookeeper.connect},
     *                 {@code zookeeper.session.timeout.ms}, {@code zookeeper.connection.timeout.ms})
     * @throws ClusterStoreException if the store cannot be reached in time
     * @throws IllegalArgumentException if the settings are unusable
     */
    ClusterMetadataStore open(Map<String, String> settings, Time time);
}

package dev.sluice.api.offset;

import dev.sluice.api.Time;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.storage.LogStorageEngine;

import java.util.List;
import java.util.Map;

/**
 * SPI entry point for an offset store, found with {@link java.util.ServiceLoader} and chosen by
 * name ({@code offsets.store=log|lmdb|...}).
 */
public interface OffsetStoreProvider {

    String name();

    /** The broker settings this store reads beyond Kafka's own (see {@code LogStorageProvider.settings()}). */
    default List<ConfigKey> settings() {
        return List.of();
    }

    /**
     * @param logs     the broker's log storage, for stores that keep offsets in an internal topic
     * @param settings broker-level settings (Kafka names)
     */
    OffsetStore open(LogStorageEngine logs, Map<String, String> settings, Time time);
}

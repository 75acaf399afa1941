package dev.sluice.api.offset;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogStorageEngine;

import java.util.Map;

/**
 * SPI entry point for an offset store, found with {@link java.util.ServiceLoader} and chosen by
 * name ({@code offsets.store=log|lmdb|...}).
 */
public interface OffsetStoreProvider {

    String name();

    /**
     * @param logs     the broker's log storage, for stores that keep offsets in an internal topic
     * @param settings broker-level settings (Kafka names)
     */
    OffsetStore open(LogStorageEngine logs, Map<String, String> settings, Time time);
}

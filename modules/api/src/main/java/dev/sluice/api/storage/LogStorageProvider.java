package dev.sluice.api.storage;

import dev.sluice.api.Time;

import dev.sluice.api.config.ConfigKey;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * SPI entry point for a log storage backend, found with {@link java.util.ServiceLoader} and
 * chosen by name ({@code log.storage=file|lmdb|...}). See {@link LogStorageProviders}.
 */
public interface LogStorageProvider {

    /** Name used in configuration, e.g. {@code "file"}. */
    String name();

    /**
     * The broker settings this backend reads beyond Kafka's own, e.g. {@code lmdb.map.size}. The
     * broker accepts, validates, documents and describes exactly these; any other key is refused
     * as unknown (so a misspelled setting never passes as a plugin's). Names should start with
     * {@code name() + "."} and must not be a broker setting's name.
     */
    default List<ConfigKey> settings() {
        return List.of();
    }

    /**
     * Opens the engine for one log directory, creating it if missing.
     *
     * @param settings broker-level settings (Kafka names); backends read what concerns them
     * @param time     clock for segment ages and retention
     */
    LogStorageEngine open(Path logDir, Map<String, String> settings, Time time);
}

package dev.sluice.api.storage;

import dev.sluice.api.Time;

import java.nio.file.Path;
import java.util.Map;

/**
 * SPI entry point for a log storage backend, found with {@link java.util.ServiceLoader} and
 * chosen by name ({@code log.storage=file|lmdb|...}). See {@link LogStorageProviders}.
 */
public interface LogStorageProvider {

    /** Name used in configuration, e.g. {@code "file"}. */
    String name();

    /**
     * Opens the engine for one log directory, creating it if missing.
     *
     * @param settings broker-level settings (Kafka names); backends read what concerns them
     * @param time     clock for segment ages and retention
     */
    LogStorageEngine open(Path logDir, Map<String, String> settings, Time time);
}

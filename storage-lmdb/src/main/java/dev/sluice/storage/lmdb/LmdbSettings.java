package dev.sluice.storage.lmdb;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.Validator;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The broker settings the LMDB backend reads (all optional).
 *
 * <ul>
 *   <li>{@code lmdb.map.size}: initial map size in bytes (default 256 MiB). The map is virtual
 *       address space, not disk: the data file only grows as pages are used. When it fills up the
 *       engine doubles it without stopping (see {@code LmdbEnvironment}).</li>
 *   <li>{@code lmdb.max.readers}: concurrent read transactions (default 1024): one per in-flight
 *       fetch, time lookup or offset-store read.</li>
 *   <li>{@code lmdb.durability}: {@code flush-policy} (default) commits without fsync
 *       ({@code MDB_NOSYNC}) and syncs the environment when a log's {@code flush.messages} /
 *       {@code flush.ms} say so, on {@code flush()} and on close: a killed process loses nothing
 *       committed, an OS crash or power loss may lose (and, on a file system that reorders
 *       writes, damage) what was committed since the last sync, as with Kafka's default of
 *       leaving flushing to the OS and relying on replication. {@code commit} makes every
 *       transaction commit durable (LMDB's default: one fsync per append).</li>
 * </ul>
 *
 * @param mapSize     initial map size in bytes
 * @param maxReaders  LMDB reader slots
 * @param syncCommits true for {@code lmdb.durability=commit}
 */
public record LmdbSettings(long mapSize, int maxReaders, boolean syncCommits) {
    public static final String MAP_SIZE = "lmdb.map.size";
    public static final String MAX_READERS = "lmdb.max.readers";
    public static final String DURABILITY = "lmdb.durability";

    public static final long DEFAULT_MAP_SIZE = 256L * 1024 * 1024;
    public static final int DEFAULT_MAX_READERS = 1024;

    public LmdbSettings {
        if (mapSize < 1024 * 1024) {
            throw new IllegalArgumentException(MAP_SIZE + " must be at least 1 MiB, was " + mapSize);
        }
        if (maxReaders < 1) {
            throw new IllegalArgumentException(MAX_READERS + " must be positive, was " + maxReaders);
        }
    }

    /** The settings as declared to the broker (validated and documented there; read here). */
    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of(MAP_SIZE, ConfigType.LONG, DEFAULT_MAP_SIZE, Validator.atLeast(1024 * 1024),
                    "initial LMDB map size in bytes: address space, not disk; doubled when full"),
            ConfigKey.of(MAX_READERS, ConfigType.INT, DEFAULT_MAX_READERS, Validator.atLeast(1),
                    "concurrent LMDB read transactions (fetches, time lookups)"),
            ConfigKey.of(DURABILITY, ConfigType.STRING, "flush-policy", Validator.oneOf("flush-policy", "commit"),
                    "flush-policy: sync as flush.messages/flush.ms say; commit: fsync every commit"));

    public static final LmdbSettings DEFAULT = new LmdbSettings(DEFAULT_MAP_SIZE, DEFAULT_MAX_READERS, false);

    /** Reads the {@code lmdb.*} keys of broker settings; other keys are ignored. */
    public static LmdbSettings from(Map<String, String> settings) {
        long mapSize = Long.parseLong(settings.getOrDefault(MAP_SIZE, Long.toString(DEFAULT_MAP_SIZE)).trim());
        int maxReaders = Integer.parseInt(settings.getOrDefault(MAX_READERS, Integer.toString(DEFAULT_MAX_READERS)).trim());
        String durability = settings.getOrDefault(DURABILITY, "flush-policy").trim().toLowerCase(Locale.ROOT);
        boolean syncCommits = switch (durability) {
            case "flush-policy" -> false;
            case "commit" -> true;
            default -> throw new IllegalArgumentException(DURABILITY + " must be flush-policy or commit, was " + durability);
        };
        return new LmdbSettings(mapSize, maxReaders, syncCommits);
    }
}

package dev.sluice.storage.lmdb.offsets;

import dev.sluice.api.Time;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.offset.OffsetStoreProvider;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.storage.lmdb.LmdbSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code offsets.store=lmdb}: committed offsets and group metadata in an LMDB environment of
 * their own, {@code lmdb.offsets.dir} or by default {@code offsets.lmdb} inside the first log
 * directory (a name no log backend takes for a partition). It works beside any log storage.
 * Every commit is synced ({@code lmdb.durability} does not apply); {@code lmdb.max.readers} does.
 */
public final class LmdbOffsetStoreProvider implements OffsetStoreProvider {
    public static final String NAME = "lmdb";
    public static final String DIR = "lmdb.offsets.dir";
    public static final String DEFAULT_DIR_NAME = "offsets.lmdb";
    /** Offsets take little room; the map grows by itself if they need more. */
    static final long INITIAL_MAP_SIZE = 16L * 1024 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    /** {@code lmdb.offsets.dir}, and the environment settings it shares with the log backend. */
    @Override
    public List<ConfigKey> settings() {
        List<ConfigKey> keys = new ArrayList<>(LmdbSettings.KEYS);
        keys.add(ConfigKey.of(DIR, ConfigType.STRING, null, null,
                "directory of offsets.store=lmdb (default: offsets.lmdb in the first log directory)"));
        return List.copyOf(keys);
    }

    @Override
    public OffsetStore open(LogStorageEngine logs, Map<String, String> settings, Time time) {
        String configured = settings.get(DIR);
        Path directory = configured != null ? Path.of(configured.trim()) : logs.directory().resolve(DEFAULT_DIR_NAME);
        LmdbSettings lmdb = LmdbSettings.from(settings);
        return new LmdbOffsetStore(directory, new LmdbSettings(INITIAL_MAP_SIZE, lmdb.maxReaders(), true));
    }
}

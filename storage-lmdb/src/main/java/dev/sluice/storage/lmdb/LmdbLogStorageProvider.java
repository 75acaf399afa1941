package dev.sluice.storage.lmdb;

import dev.sluice.api.Time;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProvider;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code log.storage=lmdb}: every partition log of a directory in one LMDB environment. Settings: {@link LmdbSettings}. */
public final class LmdbLogStorageProvider implements LogStorageProvider {
    public static final String NAME = "lmdb";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ConfigKey> settings() {
        return LmdbSettings.KEYS;
    }

    @Override
    public LogStorageEngine open(Path logDir, Map<String, String> settings, Time time) {
        return new LmdbLogStorageEngine(logDir, LmdbSettings.from(settings), time);
    }
}

package dev.sluice.storage.file;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProvider;

import java.nio.file.Path;
import java.util.Map;

/** {@code log.storage=file}: partition logs as directories of segment files, like Kafka's. */
public final class FileLogStorageProvider implements LogStorageProvider {
    public static final String NAME = "file";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LogStorageEngine open(Path logDir, Map<String, String> settings, Time time) {
        String threads = settings.get("num.recovery.threads.per.data.dir");
        int recoveryThreads = threads == null ? FileLogStorageEngine.DEFAULT_RECOVERY_THREADS : Integer.parseInt(threads.trim());
        return new FileLogStorageEngine(logDir, time, recoveryThreads);
    }
}

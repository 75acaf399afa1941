package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProvider;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.StorageException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log storage engines of the log directories, opened on first use by name: the broker default
 * ({@code log.storage}) and any a topic picks with {@code storage.engine}. The {@code file} engine
 * keeps Kafka's layout directly in the log directory; every other engine gets a subdirectory
 * named after it ({@code <log dir>/lmdb}), so engines never share files or locks. With several
 * directories in {@code log.dirs} each engine is a {@link SpreadEngine}: one per directory, new
 * partitions spread over them. The first directory also holds the broker's own state (catalogue,
 * producer state, checkpoints of high watermarks, {@code meta.properties}).
 */
public final class StorageEngines implements AutoCloseable {
    static final String KAFKA_LAYOUT_ENGINE = "file";

    private final Path logDir;
    private final List<Path> logDirs;
    private final Map<String, String> settings;
    private final Time time;
    private final String defaultName;
    private final Map<String, LogStorageEngine> open = new LinkedHashMap<>();
    /** Fills future replicas for AlterReplicaLogDirs; its rate is set before the first move. */
    private LogDirMover mover = new LogDirMover(Long.MAX_VALUE);

    public StorageEngines(Path logDir, String defaultName, Map<String, String> settings, Time time) {
        this(List.of(logDir), defaultName, settings, time);
    }

    /** @param logDirs the directories of {@code log.dirs}, the first one the broker's own */
    public StorageEngines(List<Path> logDirs, String defaultName, Map<String, String> settings, Time time) {
        this.logDirs = List.copyOf(logDirs);
        this.logDir = logDirs.get(0);
        this.defaultName = defaultName;
        this.settings = settings;
        this.time = time;
    }

    /** Opens the default engine now, so a misconfigured {@code log.storage} fails at start-up. */
    public StorageEngines openDefault() {
        engine(defaultName);
        return this;
    }

    public String defaultName() {
        return defaultName;
    }

    public Path logDir() {
        return logDir;
    }

    /** Every log directory ({@code log.dirs}), the broker's own first. */
    public List<Path> logDirs() {
        return logDirs;
    }

    /** The log directory (an entry of {@code log.dirs}) holding {@code partition} of engine {@code name}. */
    public Path logDirOf(String name, dev.sluice.api.storage.TopicPartition partition) {
        return engine(name) instanceof SpreadEngine spread ? logDirs.get(spread.indexOf(partition)) : logDir;
    }
    /** The engine called {@code name}, opened if needed; fails listing the installed ones if unknown. */
    public synchronized LogStorageEngine engine(String name) {
        LogStorageEngine engine = open.get(name);
        if (engine == null) {
            LogStorageProvider provider = LogStorageProviders.byName(name);
            List<LogStorageEngine> perDirectory = new ArrayList<>();
            for (Path root : logDirs) {
                Path dir = directoryOf(name, root);
                try {
                    perDirectory.add(provider.open(dir, settings, time));
                } catch (RuntimeException | LinkageError e) {
                    perDirectory.forEach(LogStorageEngine::close);
                    // a plugin that cannot start (missing native library, JVM flags) must not take the broker down
                    throw new StorageException("cannot open the '" + name + "' log storage in " + dir + ": " + e, e);
                }
            }
            engine = perDirectory.size() == 1 ? perDirectory.get(0) : new SpreadEngine(name, perDirectory, logDirs, mover);
            open.put(name, engine);
        }
        return engine;
    }

    /**
     * Uses {@code engine} as the engine called {@code name} (replacing an opened one, which the
     * caller then owns): for embedding and for tests that wrap an engine, e.g. with failures.
     */
    public synchronized StorageEngines install(String name, LogStorageEngine engine) {
        open.put(name, engine);
        return this;
    }

    /** Where the engine called {@code name} keeps its data (in the first log directory). */
    public Path directoryOf(String name) {
        return directoryOf(name, logDir);
    }

    private static Path directoryOf(String name, Path root) {
        return name.equals(KAFKA_LAYOUT_ENGINE) ? root : root.resolve(name);
    }

    /** {@code replica.alter.log.dirs.io.max.bytes.per.second}: how fast moves between log directories copy, together. */
    public synchronized StorageEngines logDirMoveRate(long bytesPerSecond) {
        mover = new LogDirMover(bytesPerSecond);
        return this;
    }

    /**
     * AlterReplicaLogDirs: moves {@code partition} of engine {@code name} to log directory {@code dir}
     * (in the background; see {@link SpreadEngine#move}).
     */
    public LogDirMoveOutcome move(String name, dev.sluice.api.storage.TopicPartition partition, Path dir) {
        LogStorageEngine engine = engine(name);
        if (engine instanceof SpreadEngine spread) {
            int index = spread.indexOfDirectory(dir);
            return index < 0 ? new LogDirMoveOutcome.UnknownLogDir(dir.toString()) : spread.move(partition, index);
        }
        return dir.toAbsolutePath().normalize().equals(logDir.toAbsolutePath().normalize())
                ? new LogDirMoveOutcome.AlreadyThere() : new LogDirMoveOutcome.UnknownLogDir(dir.toString());
    }

    /** The future replicas being filled now, of every engine. */
    public synchronized List<FutureReplica> futureReplicas() {
        List<FutureReplica> all = new ArrayList<>();
        for (LogStorageEngine engine : open.values()) {
            if (engine instanceof SpreadEngine spread) {
                all.addAll(spread.futureReplicas());
            }
        }
        return all;
    }

    /** Restarts the moves a crash interrupted; after the partitions were opened. */
    public void resumeMoves() {
        for (LogStorageEngine engine : opened()) {
            if (engine instanceof SpreadEngine spread) {
                spread.resumeMoves();
            }
        }
    }

    /** Stops copying (before the partitions close): moves not swapped in yet are resumed at the next start. */
    public synchronized void stopMoves() {
        mover.close();
    }

    /** Tells a spread engine that the directory of {@code partition} failed: no new partition goes there. */
    void directoryFailed(String name, dev.sluice.api.storage.TopicPartition partition) {
        if (engine(name) instanceof SpreadEngine spread) {
            spread.failed(partition);
        }
    }

    /** The names of the installed log storage providers. */
    public static List<String> installedNames() {
        return LogStorageProviders.installed().stream().map(LogStorageProvider::name).toList();
    }

    /** Null if {@code name} is an installed engine, else why not (for validating topic configs). */
    public static String problem(String name) {
        try {
            LogStorageProviders.byName(name);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public synchronized Collection<LogStorageEngine> opened() {
        return new ArrayList<>(open.values());
    }

    /** Closes every engine (each marks its directory cleanly shut down). */
    @Override
    public synchronized void close() {
        mover.close();
        List<RuntimeException> failures = new ArrayList<>();
        for (LogStorageEngine engine : open.values()) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        open.clear();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}

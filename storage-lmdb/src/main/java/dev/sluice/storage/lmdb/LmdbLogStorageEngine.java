package dev.sluice.storage.lmdb;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.lmdb.env.LmdbEnvironment;
import dev.sluice.storage.lmdb.log.LmdbLog;
import dev.sluice.storage.lmdb.log.LogTables;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The partition logs of one log directory, all in one LMDB environment the engine owns
 * ({@code data.mdb}, {@code lock.mdb} and a {@code .lock} file in the directory). Each partition
 * gets a small integer id, recorded in the {@code partitions} table, that prefixes its keys. Ids
 * are never reused (a counter in {@code meta}), and rows of ids missing from the catalogue are
 * removed at start-up.
 *
 * <p>Delete closes the log first; every write transaction of a log checks that it is still open
 * inside the transaction, and LMDB runs one write transaction at a time, so an append in flight
 * either commits before the delete's transaction (which then drops its rows) or aborts.
 *
 * <p>No clean-shutdown marker or recovery: LMDB's copy-on-write B-tree is always as of the last
 * commit. Closing syncs the environment, so a clean shutdown loses nothing even with
 * {@code MDB_NOSYNC}.
 */
public final class LmdbLogStorageEngine implements LogStorageEngine {
    private final LmdbEnvironment env;
    private final LogTables tables;
    private static final System.Logger LOG = System.getLogger(LmdbLogStorageEngine.class.getName());

    private final Time time;
    private final Map<TopicPartition, Integer> ids;
    private final Map<TopicPartition, LmdbLog> logs = new HashMap<>();
    private int nextId;
    private boolean closed;

    public LmdbLogStorageEngine(Path directory, LmdbSettings settings, Time time) {
        this.time = Objects.requireNonNull(time, "time");
        this.env = LmdbEnvironment.open(Objects.requireNonNull(directory, "directory"), settings, LogTables.ALL);
        try {
            this.tables = new LogTables(env);
            this.ids = env.write(txn -> {
                Map<TopicPartition, Integer> catalogue = tables.loadCatalogue(txn);
                List<Integer> orphans = tables.removeOrphans(txn, catalogue);
                if (!orphans.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: removed the rows of {1} deleted partition id(s) left behind: {2}",
                            directory, orphans.size(), orphans);
                }
                nextId = tables.nextId(txn, catalogue);
                return catalogue;
            });
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    @Override
    public Path directory() {
        return env.directory();
    }

    /** The shared environment (for tests and diagnostics: its map size). */
    LmdbEnvironment environment() {
        return env;
    }

    @Override
    public synchronized Set<TopicPartition> partitions() {
        return new TreeSet<>(ids.keySet());
    }

    @Override
    public synchronized LogStorage open(TopicPartition partition, LogConfig config) {
        ensureOpen();
        LmdbLog log = logs.get(partition);
        if (log != null && !log.isClosed()) {
            return log;
        }
        Integer id = ids.get(partition);
        if (id == null) {
            int newId = nextId;
            env.write(txn -> {
                tables.create(txn, partition, newId);
                return null;
            });
            nextId++;
            ids.put(partition, newId);
            id = newId;
        }
        log = LmdbLog.open(env, tables, id, partition, config, time);
        logs.put(partition, log);
        return log;
    }

    @Override
    public synchronized void delete(TopicPartition partition) {
        ensureOpen();
        LmdbLog log = logs.remove(partition);
        if (log != null) {
            log.close();
        }
        Integer id = ids.get(partition);
        if (id == null) {
            return;
        }
        env.write(txn -> {
            tables.drop(txn, partition, id);
            return null;
        });
        ids.remove(partition);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        logs.values().forEach(LmdbLog::close);
        logs.clear();
        env.close(); // syncs first
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("LMDB log storage engine for " + env.directory() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "LmdbLogStorageEngine(" + env.directory() + ")";
    }
}

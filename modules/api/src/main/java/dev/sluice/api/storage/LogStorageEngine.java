package dev.sluice.api.storage;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * All partition logs of one log directory ({@code log.dirs} entry) for one backend. The engine
 * owns per-directory state: a clean-shutdown marker, a shared environment (LMDB), recovery.
 * {@link #close()} closes every open log and records a clean shutdown.
 */
public interface LogStorageEngine extends AutoCloseable {

    Path directory();

    /** Partitions with data in this directory, found at start-up. */
    Set<TopicPartition> partitions();

    /**
     * Opens (recovering if the last shutdown was unclean) or creates the log of {@code partition}.
     * Opening an already-open partition returns the same instance.
     */
    LogStorage open(TopicPartition partition, LogConfig config);

    /**
     * Opens many logs at once, as {@link #open} does each: at start-up, so an engine may recover
     * them in parallel and write its per-directory state once. The default opens them in turn.
     */
    default Map<TopicPartition, LogStorage> openAll(Map<TopicPartition, LogConfig> configs) {
        Map<TopicPartition, LogStorage> opened = new LinkedHashMap<>();
        configs.forEach((partition, config) -> opened.put(partition, open(partition, config)));
        return opened;
    }

    /** Closes and deletes the partition's data, if any. */
    void delete(TopicPartition partition);

    @Override
    void close();
}

package dev.sluice.storage.file;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.file.log.DelayedDeletes;
import dev.sluice.storage.file.log.FileLog;
import dev.sluice.storage.file.log.OpenState;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The file logs of one log directory. Owns what is per directory, as Kafka's LogManager does:
 * a {@code .lock} file so two processes never share the directory, the clean-shutdown marker,
 * and the recovery-point and log-start-offset checkpoints of every partition.
 *
 * <p>The marker is deleted on open and written on close. A log opened after an unclean
 * start-up is recovered; if some partition found at start-up was never opened (so never
 * recovered), close does not write the marker, so the next start still recovers it.
 */
public final class FileLogStorageEngine implements LogStorageEngine {
    private static final System.Logger LOG = System.getLogger(FileLogStorageEngine.class.getName());
    public static final String CLEAN_SHUTDOWN_FILE = ".sluice_cleanshutdown";
    public static final String LOCK_FILE = ".lock";
    private static final String DELETE_SUFFIX = "-delete";
    /** Kafka's default for {@code num.recovery.threads.per.data.dir}. */
    public static final int DEFAULT_RECOVERY_THREADS = 2;

    private final Path directory;
    private final Time time;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean cleanShutdown;
    private final DirectoryCheckpoints checkpoints;
    private final DelayedDeletes deletes;
    private final int recoveryThreads;
    private final Map<TopicPartition, FileLog> logs = new HashMap<>();
    /** Partitions an unclean start-up found that have not been opened (recovered) yet. */
    private final Set<TopicPartition> awaitingRecovery = new HashSet<>();
    private boolean closed;

    /** An engine whose delayed file deletions run on a scheduler thread of its own (started on first use). */
    public FileLogStorageEngine(Path directory, Time time) {
        this(directory, time, DEFAULT_RECOVERY_THREADS);
    }

    /** As {@link #FileLogStorageEngine(Path, Time)}, opening logs in {@link #openAll} on {@code recoveryThreads} threads. */
    public FileLogStorageEngine(Path directory, Time time, int recoveryThreads) {
        this(directory, time, Scheduler.newThread("sluice-file-deletes"), true, recoveryThreads);
    }

    /** An engine whose delayed file deletions run on {@code scheduler} (a manual clock in tests), not closed by it. */
    public FileLogStorageEngine(Path directory, Time time, Scheduler scheduler) {
        this(directory, time, scheduler, false, DEFAULT_RECOVERY_THREADS);
    }

    private FileLogStorageEngine(Path directory, Time time, Scheduler scheduler, boolean ownsScheduler, int recoveryThreads) {
        if (recoveryThreads < 1) {
            throw new IllegalArgumentException("num.recovery.threads.per.data.dir must be at least 1, was " + recoveryThreads);
        }
        this.recoveryThreads = recoveryThreads;
        this.directory = Objects.requireNonNull(directory, "directory");
        this.time = Objects.requireNonNull(time, "time");
        this.deletes = new DelayedDeletes(Objects.requireNonNull(scheduler, "scheduler"), ownsScheduler);
        try {
            Files.createDirectories(directory);
            this.lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.lock = tryLock(lockChannel);
        } catch (IOException e) {
            throw new StorageException("cannot open log directory " + directory, e);
        }
        if (lock == null) {
            deletes.close();
            closeQuietly();
            throw new StorageException("log directory " + directory + " is in use by another engine or process (" + LOCK_FILE + " is locked)");
        }
        try {
            Path marker = directory.resolve(CLEAN_SHUTDOWN_FILE);
            this.cleanShutdown = Files.exists(marker);
            Files.deleteIfExists(marker);
            this.checkpoints = new DirectoryCheckpoints(directory);
            deleteLeftoverDeletions();
        } catch (IOException | RuntimeException e) {
            deletes.close();
            closeQuietly();
            throw e instanceof IOException ? new StorageException("cannot open log directory " + directory, e) : (RuntimeException) e;
        }
        if (!cleanShutdown) {
            awaitingRecovery.addAll(partitions());
        }
        if (!awaitingRecovery.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "{0} was not shut down cleanly: logs are recovered as they are opened", directory);
        }
    }

    @Override
    public Path directory() {
        return directory;
    }

    /** Whether the previous shutdown of this directory was clean. */
    public boolean wasCleanShutdown() {
        return cleanShutdown;
    }

    @Override
    public synchronized Set<TopicPartition> partitions() {
        Set<TopicPartition> found = new TreeSet<>(logs.keySet());
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(directory, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.endsWith(DELETE_SUFFIX)) {
                    try {
                        found.add(TopicPartition.parse(name));
                    } catch (IllegalArgumentException notAPartition) {
                        // some other directory: not ours to interpret
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list log directory " + directory, e);
        }
        return found;
    }

    @Override
    public synchronized LogStorage open(TopicPartition partition, LogConfig config) {
        ensureOpen();
        FileLog log = logs.get(partition);
        if (log != null) {
            return log;
        }
        OpenState state = openState(partition);
        if (!state.cleanShutdown()) {
            LOG.log(System.Logger.Level.INFO, "{0}: recovering after unclean shutdown", partition);
        }
        log = FileLog.open(directory.resolve(partition.dirName()), partition, config, time, checkpoints, state, deletes);
        awaitingRecovery.remove(partition);
        logs.put(partition, log);
        return log;
    }

    private OpenState openState(TopicPartition partition) {
        return new OpenState(cleanShutdown || !awaitingRecovery.contains(partition),
                checkpoints.recoveryPoint(partition), checkpoints.logStartOffset(partition));
    }

    /**
     * Opens the logs on {@code num.recovery.threads.per.data.dir} threads (Kafka's setting, default
     * 2), recovering those an unclean shutdown left, and writes the recovery-point checkpoint once
     * at the end instead of once per recovered log (which made a restart after kill -9 grow with
     * the square of the partition count). Holds the engine for the whole call.
     */
    @Override
    public synchronized Map<TopicPartition, LogStorage> openAll(Map<TopicPartition, LogConfig> configs) {
        ensureOpen();
        Map<TopicPartition, LogStorage> opened = new LinkedHashMap<>();
        Map<TopicPartition, Future<FileLog>> opening = new LinkedHashMap<>();
        long startNs = System.nanoTime();
        int recovering = 0;
        int threads = Math.max(1, Math.min(recoveryThreads, configs.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, new RecoveryThreads(directory));
        checkpoints.deferWrites();
        try {
            for (Map.Entry<TopicPartition, LogConfig> entry : configs.entrySet()) {
                TopicPartition partition = entry.getKey();
                if (logs.containsKey(partition)) {
                    continue;
                }
                OpenState state = openState(partition);
                recovering += state.cleanShutdown() ? 0 : 1;
                opening.put(partition, pool.submit(() -> FileLog.open(directory.resolve(partition.dirName()), partition,
                        entry.getValue(), time, checkpoints, state, deletes)));
            }
            RuntimeException failure = null;
            for (Map.Entry<TopicPartition, Future<FileLog>> entry : opening.entrySet()) {
                try {
                    FileLog log = entry.getValue().get();
                    awaitingRecovery.remove(entry.getKey());
                    logs.put(entry.getKey(), log);
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : new StorageException("cannot open the log of " + entry.getKey(), e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("interrupted while opening the logs in " + directory, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
            checkpoints.resumeWrites();
        }
        for (TopicPartition partition : configs.keySet()) {
            opened.put(partition, logs.get(partition));
        }
        if (!opening.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0}: opened {1} logs ({2} recovered after an unclean shutdown) in {3} ms"
                    + " on {4} threads", directory, opening.size(), recovering,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs), threads);
        }
        return opened;
    }

    /** Daemon threads named after the directory, for the duration of {@link #openAll}. */
    private static final class RecoveryThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        RecoveryThreads(Path directory) {
            this.prefix = "sluice-log-recovery-" + directory.getFileName() + "-";
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    @Override
    public synchronized void delete(TopicPartition partition) {
        ensureOpen();
        FileLog log = logs.remove(partition);
        if (log != null) {
            log.closeForDeletion(); // after an append in progress, before any other: no file appears after the rename
        }
        awaitingRecovery.remove(partition);
        checkpoints.forget(partition);
        Path dir = directory.resolve(partition.dirName());
        Path doomed = null;
        if (Files.exists(dir)) {
            // Kafka's way: rename first, so a crash mid-delete leaves a directory nobody mistakes for the partition
            doomed = directory.resolve(partition.dirName() + "." + UUID.randomUUID().toString().replace("-", "") + DELETE_SUFFIX);
            try {
                Files.move(dir, doomed);
            } catch (IOException e) {
                throw new StorageException("cannot delete the log of " + partition + " in " + directory, e);
            }
        }
        Path renamed = doomed;
        // fetches already being sent read on from the open channels until file.delete.delay.ms has passed
        deletes.later(log == null ? 0 : log.config().fileDeleteDelayMs(), () -> {
            if (log != null) {
                log.releaseDeletedSegments();
            }
            try {
                if (renamed != null) {
                    Directories.deleteRecursively(renamed);
                }
            } catch (IOException e) {
                throw new StorageException("cannot delete " + renamed, e);
            }
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        checkpoints.deferWrites();
        for (FileLog log : logs.values()) {
            try {
                log.close();
            } catch (RuntimeException e) {
                failure = e;
                LOG.log(System.Logger.Level.ERROR, "closing " + log + " failed", e);
            }
        }
        logs.clear();
        deletes.close(); // what waits for file.delete.delay.ms goes now: no reader is left
        try {
            checkpoints.writeAll();
            if (failure == null && awaitingRecovery.isEmpty()) {
                Files.createFile(directory.resolve(CLEAN_SHUTDOWN_FILE));
            }
        } catch (IOException e) {
            failure = new StorageException("cannot write the clean-shutdown marker in " + directory, e);
        } finally {
            closeQuietly();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Null if another process, or another engine in this JVM, holds the directory. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private void deleteLeftoverDeletions() throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(directory, p -> p.getFileName().toString().endsWith(DELETE_SUFFIX))) {
            for (Path dir : dirs) {
                Directories.deleteRecursively(dir);
            }
        }
    }

    private void closeQuietly() {
        try {
            if (lock != null) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot release " + LOCK_FILE + " in " + directory, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("log storage engine for " + directory + " is closed");
        }
    }

    @Override
    public String toString() {
        return "FileLogStorageEngine(" + directory + ")";
    }

    /** For tests: how often the recovery-point checkpoint was written since the engine opened. */
    int recoveryPointWrites() {
        return checkpoints.recoveryPointWrites();
    }

    /** For tests: the recovery point the engine has recorded for a partition. */
    OptionalLong recoveryPoint(TopicPartition partition) {
        return checkpoints.recoveryPoint(partition);
    }
}

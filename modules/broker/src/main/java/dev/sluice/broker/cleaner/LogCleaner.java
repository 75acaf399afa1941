package dev.sluice.broker.cleaner;

import dev.sluice.api.Time;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.storage.CleanableSection;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.group.offset.LogOffsetStore;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.topic.TopicConfigDef;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.txn.TxnStateLog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The log cleaner (Kafka's LogCleaner, broker half): {@code log.cleaner.threads} threads
 * ({@code sluice-log-cleaner-<n>}) each take the dirtiest compacted log no other thread is
 * cleaning ({@link CleaningCandidate#dirtiest}), have its storage compact it
 * ({@link LogCompaction}) up to its last stable offset (so aborted records can be told from committed
 * ones), log what it did, and sleep
 * {@code log.cleaner.backoff.ms} when no log needs cleaning (or its cleaning cleaned nothing). A log
 * whose cleaning failed unexpectedly (a bug, or a batch with more keys than the dedupe buffer holds)
 * is left uncleanable, as Kafka does (KIP-346): else, as the dirtiest log, it would be chosen and
 * fail again every round while no other log got cleaned. Every partition whose topic's
 * {@code cleanup.policy} includes compact and whose storage offers compaction takes part, except
 * {@code __consumer_offsets} and {@code __transaction_state}, which their stores keep bounded with
 * live-state snapshots (see docs/architecture.md). Settings are read per round, so dynamic broker configs and topic
 * overrides apply at once, and the thread settings change through {@link #reconfigure}; time comes
 * from the injected clock.
 *
 * <p>Threads: its own threads, and any thread calling {@link #cleanOnce()} (tests) or
 * {@link #close()}. Closing never interrupts a thread in file I/O: a cleaning in progress stops at
 * its next read or write ({@link IoThrottle}) and leaves the log as it was.
 */
public final class LogCleaner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogCleaner.class.getName());

    /** What one cleaning did. */
    public record Report(TopicPartition partition, CompactionOutcome outcome, double dirtyRatioBefore, long durationMs) {
    }

    /** Internal topics their stores keep bounded with live-state snapshots instead (docs/architecture.md). */
    static final Set<String> SNAPSHOTTED_TOPICS = Set.of(LogOffsetStore.TOPIC, TxnStateLog.TOPIC);

    private final PartitionManager partitions;
    private final Supplier<ConfigValues> broker;
    private final Time time;
    /** Replaced by {@link #reconfigure}; {@code enable} stays as started. */
    private volatile CleanerSettings settings;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final IoThrottle throttle;
    private final Set<TopicPartition> inProgress = ConcurrentHashMap.newKeySet();
    /** Logs whose cleaning failed, skipped while the partition has the same log (a re-created topic's or moved log is new). */
    private final Map<TopicPartition, LogCompaction> uncleanable = new ConcurrentHashMap<>();
    /** Running threads by index; guarded by this. A thread whose index is no longer below the thread count leaves. */
    private final Map<Integer, Thread> threads = new HashMap<>();
    private boolean started;

    /**
     * @param broker the broker's settings in effect (static and dynamic), read per round
     */
    public LogCleaner(PartitionManager partitions, Supplier<ConfigValues> broker, Time time, CleanerSettings settings) {
        this.partitions = partitions;
        this.broker = broker;
        this.time = time;
        this.settings = settings;
        this.throttle = new IoThrottle(settings.ioMaxBytesPerSecond(), time, closing);
    }

    /** Starts the cleaner threads, unless {@code log.cleaner.enable} is false. */
    public synchronized void start() {
        if (!settings.enable()) {
            LOG.log(System.Logger.Level.INFO, "log cleaner disabled (log.cleaner.enable=false): compacted topics keep every record");
            return;
        }
        started = true;
        startMissingThreads();
    }

    /**
     * The broker's settings changed at run time (Kafka's dynamic cleaner settings):
     * {@code log.cleaner.threads} (threads are added now; surplus ones leave after their current
     * cleaning), {@code log.cleaner.dedupe.buffer.size} (from the next cleaning),
     * {@code log.cleaner.io.max.bytes.per.second} (at once) and {@code log.cleaner.backoff.ms}
     * (sleeping threads wake up to it). {@code log.cleaner.enable} stays as started, as in Kafka.
     */
    public void reconfigure(CleanerSettings updated) {
        CleanerSettings before;
        List<Thread> running;
        synchronized (this) {
            before = settings;
            settings = new CleanerSettings(before.enable(), updated.threads(), updated.dedupeBufferSize(),
                    updated.ioMaxBytesPerSecond(), updated.backoffMs());
            if (started && closing.getCount() > 0) {
                startMissingThreads();
            }
            running = List.copyOf(threads.values());
        }
        throttle.rate(updated.ioMaxBytesPerSecond());
        if (!before.equals(settings)) {
            LOG.log(System.Logger.Level.INFO, "log cleaner reconfigured: {0} -> {1}", before, settings);
        }
        running.forEach(LockSupport::unpark);
    }

    /** Under this object's lock: a thread for every index below the thread count that has none. */
    private void startMissingThreads() {
        for (int i = 0; i < settings.threads(); i++) {
            if (!threads.containsKey(i)) {
                int index = i;
                Thread thread = new Thread(() -> run(index), "sluice-log-cleaner-" + i);
                thread.setDaemon(true);
                threads.put(i, thread);
                thread.start();
            }
        }
    }

    private void run(int index) {
        while (closing.getCount() > 0) {
            synchronized (this) {
                if (index >= settings.threads()) {
                    threads.remove(index, Thread.currentThread()); // fewer threads now: this one leaves
                    return;
                }
            }
            boolean cleaned = false;
            try {
                cleaned = cleanOnce().filter(r -> r.outcome() instanceof CompactionOutcome.Cleaned).isPresent();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "log cleaner round failed", e);
            }
            if (!cleaned && closing.getCount() > 0) {
                // nothing cleaned (retrying at once would only spin); woken early by close() or reconfigure(), and a
                // spurious wake-up only means an early round
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.backoffMs()));
            }
        }
    }

    /** Cleans the dirtiest log that needs it, if any; what it did, or empty if no log needed cleaning. */
    public Optional<Report> cleanOnce() {
        long now = time.milliseconds();
        CleaningCandidate chosen;
        synchronized (inProgress) {
            chosen = CleaningCandidate.dirtiest(candidates(now), now).orElse(null);
            if (chosen == null) {
                return Optional.empty();
            }
            inProgress.add(chosen.partition());
        }
        try {
            return Optional.of(clean(chosen, now));
        } finally {
            inProgress.remove(chosen.partition());
        }
    }

    private Report clean(CleaningCandidate candidate, long now) {
        TopicCleaning cleaning = candidate.cleaning();
        CompactionRequest request = new CompactionRequest(now, candidate.upperBoundOffset(), cleaning.minCompactionLagMs(),
                cleaning.deleteRetentionMs(), settings.maxKeysPerCleaning(), throttle);
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "Beginning cleaning of %s (dirty ratio %.3f, "
                + "%d dirty bytes from offset %d)", candidate.partition(), candidate.section().dirtyRatio(),
                candidate.section().cleanableBytes(), candidate.section().firstDirtyOffset()));
        long started = time.nanoseconds();
        CompactionOutcome outcome;
        try {
            outcome = candidate.compaction().compact(request);
        } catch (CancellationException e) {
            outcome = new CompactionOutcome.Aborted(e.getMessage());
        } catch (LogClosedException e) {
            outcome = new CompactionOutcome.Aborted("the log was closed (topic deleted or broker stopping)");
        } catch (StorageException e) {
            partitions.storageFailed(candidate.partition(), e);
            outcome = new CompactionOutcome.Aborted("storage failed: " + e.getMessage());
        } catch (RuntimeException e) {
            uncleanable.put(candidate.partition(), candidate.compaction());
            LOG.log(System.Logger.Level.ERROR, "Cleaning of " + candidate.partition() + " failed: it is left uncleanable "
                    + "until its log is replaced or the broker restarts", e);
            outcome = new CompactionOutcome.Aborted("failed, left uncleanable: " + e);
        }
        long durationMs = (time.nanoseconds() - started) / 1_000_000;
        Report report = new Report(candidate.partition(), outcome, candidate.section().dirtyRatio(), durationMs);
        log(report);
        return report;
    }

    private static void log(Report report) {
        if (report.outcome() instanceof CompactionOutcome.Cleaned c) {
            LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "Cleaned %s up to offset %d in %d ms "
                            + "(dirty ratio %.3f): read %d bytes, wrote %d bytes, %d keys, removed %d records (%d tombstones) "
                            + "and %d transaction markers, cleaned part %d -> %d bytes", report.partition(), c.firstDirtyOffset(),
                    report.durationMs(), report.dirtyRatioBefore(), c.bytesRead(), c.bytesWritten(), c.keys(),
                    c.recordsRemoved(), c.tombstonesRemoved(), c.markersRemoved(), c.sizeBefore(), c.sizeAfter()));
        } else if (report.outcome() instanceof CompactionOutcome.Aborted a) {
            LOG.log(System.Logger.Level.INFO, "Cleaning of {0} stopped: {1}", report.partition(), a.reason());
        }
    }

    /** Every compacted log this broker holds, with what a cleaning could do to it now. */
    private List<CleaningCandidate> candidates(long now) {
        ConfigValues brokerValues = broker.get();
        List<CleaningCandidate> out = new ArrayList<>();
        for (Partition partition : partitions.all()) {
            TopicPartition tp = partition.topicPartition();
            if (inProgress.contains(tp)) {
                continue;
            }
            candidate(partition, brokerValues, now).ifPresent(out::add);
        }
        return out;
    }

    private Optional<CleaningCandidate> candidate(Partition partition, ConfigValues brokerValues, long now) {
        TopicPartition tp = partition.topicPartition();
        if (SNAPSHOTTED_TOPICS.contains(tp.topic()) || partition.role() instanceof PartitionRole.Offline) {
            return Optional.empty();
        }
        Optional<TopicMetadata> topic = partitions.topics().get(tp.topic());
        Optional<LogCompaction> compaction = partition.log().compaction();
        if (topic.isEmpty() || compaction.isEmpty() || uncleanable(tp, compaction.get())) {
            return Optional.empty();
        }
        TopicCleaning cleaning = TopicCleaning.of(TopicConfigDef.applicable(topic.get().configs()), brokerValues);
        if (!cleaning.compact()) {
            return Optional.empty();
        }
        long upperBound = Math.max(0, partition.lastStableOffset()); // every transaction below it is decided
        try {
            CleanableSection section = compaction.get().cleanableSection(now, cleaning.minCompactionLagMs(), upperBound);
            return Optional.of(new CleaningCandidate(tp, compaction.get(), cleaning, section, upperBound));
        } catch (RuntimeException e) {
            return Optional.empty(); // closed or deleted meanwhile: not this round's business
        }
    }

    /** Whether this log's cleaning failed; forgets a failure of a log the partition no longer has. */
    private boolean uncleanable(TopicPartition tp, LogCompaction compaction) {
        LogCompaction failed = uncleanable.get(tp);
        if (failed != null && failed != compaction) {
            uncleanable.remove(tp, failed);
        }
        return failed == compaction;
    }

    /**
     * The dirty ratio of a compacted partition's log as the cleaner sees it now (for
     * {@code sluice topics --describe}), or empty if the topic is not compacted or its storage
     * cannot compact.
     */
    public static Optional<Double> dirtyRatio(Partition partition, TopicMetadata topic, ConfigValues brokerValues, long nowMs) {
        TopicCleaning cleaning = TopicCleaning.of(TopicConfigDef.applicable(topic.configs()), brokerValues);
        Optional<LogCompaction> compaction = partition.log().compaction();
        if (!cleaning.compact() || compaction.isEmpty()) {
            return Optional.empty();
        }
        long upperBound = Math.max(0, partition.lastStableOffset()); // every transaction below it is decided
        return Optional.of(compaction.get().cleanableSection(nowMs, cleaning.minCompactionLagMs(), upperBound).dirtyRatio());
    }

    /** Stops the threads; a cleaning in progress stops at its next read or write, changing nothing. */
    @Override
    public void close() {
        closing.countDown();
        List<Thread> running;
        synchronized (this) {
            running = List.copyOf(threads.values());
        }
        running.forEach(LockSupport::unpark);
        for (Thread thread : running) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

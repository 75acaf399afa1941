package dev.sluice.broker.partition;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One storage engine spread over several log directories ({@code log.dirs}): an engine per
 * directory, each partition in exactly one of them. A partition already stored somewhere stays
 * there; a new one goes to the directory asked for by AlterReplicaLogDirs, else to the one
 * holding the fewest partitions (first in {@code log.dirs} on a tie), never to one that failed —
 * Kafka's placement.
 *
 * <p>Moving a partition (AlterReplicaLogDirs): its log is a {@link RelocatableLog}; a
 * {@link FutureLog} in the destination's engine is filled by the {@link LogDirMover} and swapped in
 * by {@link #complete}, with {@link FutureLogMarkers} making each step crash-safe (resolved in the
 * constructor: a copy not yet committed is deleted and its move resumed by {@link #resumeMoves}).
 *
 * <p>Threads: placement is a concurrent map; choosing a new partition's directory and starting,
 * cancelling and completing moves happen under this object's lock (completing takes the log's
 * gate first).
 */
final class SpreadEngine implements LogStorageEngine {
    private static final System.Logger LOG = System.getLogger(SpreadEngine.class.getName());

    private final List<LogStorageEngine> engines;
    private final List<Path> logDirs;
    private final FutureLogMarkers markers;
    private final LogDirMover mover;
    private final Map<TopicPartition, Integer> placement = new ConcurrentHashMap<>();
    private final Map<TopicPartition, RelocatableLog> logs = new ConcurrentHashMap<>();
    /** Where AlterReplicaLogDirs asked a partition not hosted yet to go (Kafka keeps these in memory too). */
    private final Map<TopicPartition, Integer> preferred = new ConcurrentHashMap<>();
    /** Moves a crash interrupted: restarted once the partitions are open. */
    private final Map<TopicPartition, Integer> interrupted = new ConcurrentHashMap<>();
    private final Set<Integer> failed = ConcurrentHashMap.newKeySet();

    /**
     * @param name    the engine's name (its move markers are kept apart from other engines')
     * @param engines one per log directory, in {@code log.dirs} order
     * @param logDirs the directories of {@code log.dirs}, in order
     */
    SpreadEngine(String name, List<LogStorageEngine> engines, List<Path> logDirs, LogDirMover mover) {
        this.engines = List.copyOf(engines);
        this.logDirs = List.copyOf(logDirs);
        this.markers = new FutureLogMarkers(logDirs, name);
        this.mover = mover;
        for (FutureLogMarkers.Marker marker : markers.read()) {
            resolve(marker);
        }
        for (int i = 0; i < engines.size(); i++) {
            for (TopicPartition tp : engines.get(i).partitions()) {
                placement.putIfAbsent(tp, i); // a partition found twice (copied by hand) is used where first found
            }
        }
    }

    /** A move a crash interrupted: the marker says which copy is the partition; the other is deleted. */
    private void resolve(FutureLogMarkers.Marker marker) {
        TopicPartition tp = marker.partition();
        int destination = marker.destination();
        if (marker.committed()) {
            for (int i = 0; i < engines.size(); i++) {
                if (i != destination && engines.get(i).partitions().contains(tp)) {
                    engines.get(i).delete(tp);
                }
            }
            placement.put(tp, destination);
            LOG.log(System.Logger.Level.INFO, "finished moving {0} to {1} (interrupted after its swap)", tp, logDirs.get(destination));
        } else {
            engines.get(destination).delete(tp);
            boolean elsewhere = false;
            for (int i = 0; i < engines.size(); i++) {
                elsewhere |= i != destination && engines.get(i).partitions().contains(tp);
            }
            if (elsewhere) {
                interrupted.put(tp, destination);
            }
            LOG.log(System.Logger.Level.INFO, "dropped the incomplete copy of {0} in {1}; the move starts again",
                    tp, logDirs.get(destination));
        }
        markers.clear(tp, destination);
    }

    @Override
    public Path directory() {
        return engines.get(0).directory();
    }

    @Override
    public Set<TopicPartition> partitions() {
        Set<TopicPartition> all = new HashSet<>();
        engines.forEach(e -> all.addAll(e.partitions()));
        return all;
    }

    @Override
    public LogStorage open(TopicPartition partition, LogConfig config) {
        return wrap(engines.get(indexOf(partition)).open(partition, config));
    }

    @Override
    public Map<TopicPartition, LogStorage> openAll(Map<TopicPartition, LogConfig> configs) {
        Map<Integer, Map<TopicPartition, LogConfig>> byDirectory = new HashMap<>();
        configs.forEach((tp, config) -> byDirectory.computeIfAbsent(indexOf(tp), i -> new LinkedHashMap<>()).put(tp, config));
        Map<TopicPartition, LogStorage> opened = new HashMap<>();
        byDirectory.forEach((index, some) -> engines.get(index).openAll(some).forEach((tp, log) -> opened.put(tp, wrap(log))));
        return opened;
    }

    /** The partition's relocatable log over {@code log} (the same one while {@code log} is the current). */
    private LogStorage wrap(LogStorage log) {
        return logs.compute(log.topicPartition(), (tp, known) -> known != null && known.current() == log ? known : new RelocatableLog(log));
    }

    @Override
    public void delete(TopicPartition partition) {
        synchronized (this) {
            RelocatableLog log = logs.remove(partition);
            FutureLog move = log == null ? null : log.future();
            if (move != null) {
                cancel(log, move, "the partition is deleted");
            }
        }
        Integer index = placement.remove(partition);
        preferred.remove(partition);
        for (int i = 0; i < engines.size(); i++) {
            if ((index != null && index == i) || engines.get(i).partitions().contains(partition)) {
                engines.get(i).delete(partition);
            }
        }
    }

    /** The index in {@code log.dirs} of {@code dir}, or -1 if it is not one of them. */
    int indexOfDirectory(Path dir) {
        Path wanted = dir.toAbsolutePath().normalize();
        for (int i = 0; i < logDirs.size(); i++) {
            if (logDirs.get(i).toAbsolutePath().normalize().equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * AlterReplicaLogDirs for one partition: starts filling a future replica in directory
     * {@code destination} (cancelling one elsewhere), or cancels a move when the partition is there
     * already; a partition not open here is placed there when it is created.
     */
    synchronized LogDirMoveOutcome move(TopicPartition tp, int destination) {
        if (failed.contains(destination)) {
            return new LogDirMoveOutcome.LogDirOffline("log directory " + logDirs.get(destination) + " is offline");
        }
        RelocatableLog log = logs.get(tp);
        if (log == null) {
            preferred.put(tp, destination);
            return new LogDirMoveOutcome.NotHosted();
        }
        FutureLog running = log.future();
        if (running != null) {
            if (running.destination() == destination) {
                return new LogDirMoveOutcome.Moving();
            }
            cancel(log, running, "moved to " + logDirs.get(destination) + " instead");
        }
        int source = indexOf(tp);
        if (source == destination) {
            return new LogDirMoveOutcome.AlreadyThere();
        }
        if (failed.contains(source)) {
            return new LogDirMoveOutcome.LogDirOffline("log directory " + logDirs.get(source) + " of " + tp + " is offline");
        }
        markers.future(tp, destination, source); // before the copy's first byte
        FutureLog future = new FutureLog(tp, source, destination, engines.get(destination).open(tp, log.config()));
        log.future(future);
        mover.add(this, log, future);
        LOG.log(System.Logger.Level.INFO, "moving {0} from {1} to {2}", tp, logDirs.get(source), logDirs.get(destination));
        return new LogDirMoveOutcome.Moving();
    }

    /** Restarts the moves a crash interrupted (after the partitions were opened). */
    void resumeMoves() {
        interrupted.forEach((tp, destination) -> {
            if (logs.containsKey(tp)) {
                move(tp, destination);
            }
        });
        interrupted.clear();
    }

    /**
     * The mover's copy reached the log end: under the log's gate (appends wait) the rest is copied
     * and flushed, the marker committed, and the copy becomes the partition's log; the old copy is
     * then deleted (reads still on it retry on the new one; its files outlive sends in flight).
     */
    void complete(RelocatableLog log, FutureLog future) {
        TopicPartition tp = future.partition();
        log.gate.lock();
        try {
            if (future.cancelled || log.future() != future) {
                return;
            }
            future.catchUp(log.current());
            synchronized (this) {
                if (future.cancelled) {
                    return;
                }
                markers.committed(tp, future.destination()); // the commit point
                log.replaceWith(future.log());
                placement.put(tp, future.destination());
            }
        } finally {
            log.gate.unlock();
        }
        try {
            engines.get(future.source()).delete(tp);
            markers.clear(tp, future.destination());
        } catch (RuntimeException e) { // the marker stays: start-up deletes the old copy
            LOG.log(System.Logger.Level.WARNING, "cannot delete the old copy of " + tp + " in " + logDirs.get(future.source()), e);
        }
        LOG.log(System.Logger.Level.INFO, "moved {0} from {1} to {2}", tp, logDirs.get(future.source()),
                logDirs.get(future.destination()));
    }

    /** Stops a move and deletes its future replica; the partition stays where it is. */
    synchronized void cancel(RelocatableLog log, FutureLog future, String why) {
        if (future.cancelled) {
            return;
        }
        future.cancelled = true;
        if (log.future() == future) {
            log.future(null);
        }
        try {
            engines.get(future.destination()).delete(future.partition());
            markers.clear(future.partition(), future.destination());
        } catch (RuntimeException e) { // the marker stays: start-up deletes the copy
            LOG.log(System.Logger.Level.WARNING, "cannot delete the future replica of " + future.partition(), e);
        }
        LOG.log(System.Logger.Level.INFO, "stopped moving {0} to {1}: {2}", future.partition(),
                logDirs.get(future.destination()), why);
    }

    /** The future replicas being filled: partition, directory, size and offsets behind (DescribeLogDirs). */
    List<FutureReplica> futureReplicas() {
        List<FutureReplica> out = new ArrayList<>();
        for (RelocatableLog log : logs.values()) {
            FutureLog future = log.future();
            if (future != null && !future.cancelled) {
                try {
                    out.add(new FutureReplica(future.partition(), logDirs.get(future.destination()),
                            future.log().sizeInBytes(), future.lag(log.current())));
                } catch (RuntimeException closedMeanwhile) {
                    // swapped in or cancelled while looking: not a future replica any more
                }
            }
        }
        return out;
    }

    /** The index in {@code log.dirs} of the directory holding {@code partition}, chosen now if new. */
    int indexOf(TopicPartition partition) {
        Integer index = placement.get(partition);
        return index != null ? index : place(partition);
    }

    /** The directory of a partition failed: nothing new goes there. */
    void failed(TopicPartition partition) {
        Integer index = placement.get(partition);
        if (index != null) {
            failed.add(index);
        }
    }

    private synchronized int place(TopicPartition partition) {
        Integer index = placement.get(partition);
        if (index != null) {
            return index;
        }
        Integer asked = preferred.remove(partition);
        if (asked != null && !failed.contains(asked)) {
            placement.put(partition, asked);
            return asked;
        }
        int[] counts = new int[engines.size()];
        placement.values().forEach(i -> counts[i]++);
        int best = -1;
        for (int i = 0; i < counts.length; i++) {
            if (!failed.contains(i) && (best < 0 || counts[i] < counts[best])) {
                best = i;
            }
        }
        best = Math.max(best, 0); // every directory failed: the first, whose partitions are offline anyway
        placement.put(partition, best);
        return best;
    }

    @Override
    public void close() {
        mover.close(); // a move not swapped in stays a future replica: start-up drops it and starts again
        List<RuntimeException> failures = new ArrayList<>();
        for (LogStorageEngine engine : engines) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}

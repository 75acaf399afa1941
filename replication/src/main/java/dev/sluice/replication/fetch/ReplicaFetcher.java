package dev.sluice.replication.fetch;

import dev.sluice.api.Time;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.FollowerReplication;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.replica.ReplicaEvents;
import dev.sluice.broker.replica.ReplicaFetchSettings;
import dev.sluice.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The fetch-state machine of one fetcher (Kafka's AbstractFetcherThread without its thread): the
 * partitions it copies from one leader, each with a {@link PartitionFetchState}; {@link #doWork}
 * runs one round — build a Fetch for the partitions not backing off, send it, apply the answer:
 * <ul>
 *   <li>records: appended as the leader wrote them ({@link FollowerReplication#append}: offsets,
 *   leader epochs and producer state from the batches), then the high watermark becomes
 *   min(leader's, own log end) and the log start follows the leader's (up to that high watermark);</li>
 *   <li>DivergingEpoch: truncate as {@link Truncation} says and fetch on from the new log end (with
 *   its newest epoch, so the leader checks again: several rounds when this log lacked its epoch);</li>
 *   <li>OFFSET_OUT_OF_RANGE: ask the leader its log end; if below ours, truncate to it, else ask its
 *   log start and, if above our end, start the log afresh there;</li>
 *   <li>any other error (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, ...): back
 *   off {@code replica.fetch.backoff.ms}; the controller's next LeaderAndIsr sets the partition anew;</li>
 *   <li>a local storage failure: the partition's storage goes offline and it leaves the fetcher;
 *   the fetcher goes on with the others.</li>
 * </ul>
 * An answer is applied only if the partition is still fetched at the offset and epoch asked for.
 *
 * <p>Threads: {@link #doWork} on the fetcher's thread (or a test's); {@link #add}, {@link #remove}
 * from request handlers. One lock guards the states and every change to a partition's log, so when
 * {@link #remove} returns no append of this fetcher can land on the removed partitions. The leader
 * is asked outside the lock.
 */
public final class ReplicaFetcher {
    private static final System.Logger LOG = System.getLogger(ReplicaFetcher.class.getName());

    private final String name;
    private final LeaderEndpoint leader;
    private final ReplicaFetchSettings settings;
    private final Time time;
    private final BiConsumer<TopicPartition, StorageException> storageFailed;
    /** Told of the bytes appended from leaders (ReplicationBytesInPerSec). */
    private final ReplicaEvents events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<TopicPartition, PartitionFetchState> states = new LinkedHashMap<>();

    /**
     * @param storageFailed told when this replica's log fails (takes its storage offline)
     */
    public ReplicaFetcher(String name, LeaderEndpoint leader, ReplicaFetchSettings settings, Time time,
                          BiConsumer<TopicPartition, StorageException> storageFailed) {
        this(name, leader, settings, time, storageFailed, ReplicaEvents.NONE);
    }

    /** @param events told of the bytes appended from leaders (ReplicationBytesInPerSec) */
    public ReplicaFetcher(String name, LeaderEndpoint leader, ReplicaFetchSettings settings, Time time,
                          BiConsumer<TopicPartition, StorageException> storageFailed, ReplicaEvents events) {
        this.name = name;
        this.leader = leader;
        this.settings = settings;
        this.time = time;
        this.storageFailed = storageFailed;
        this.events = events;
    }

    public LeaderEndpoint leader() {
        return leader;
    }

    /** Starts fetching {@code partition} (a follower in {@code leaderEpoch}) from its log end. */
    public void add(Partition partition, UUID topicId, int leaderEpoch) {
        lock.lock();
        try {
            states.put(partition.topicPartition(), new PartitionFetchState(partition, topicId, partition.logEndOffset(),
                    leaderEpoch, partition.follower().latestEpoch(), 0));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops fetching these partitions; on return nothing more is appended to them here. */
    public void remove(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            states.keySet().removeAll(partitions);
        } finally {
            lock.unlock();
        }
    }

    public int partitionCount() {
        lock.lock();
        try {
            return states.size();
        } finally {
            lock.unlock();
        }
    }

    /** The offset the next fetch of {@code tp} asks for, if it is fetched here. */
    public Optional<Long> fetchOffset(TopicPartition tp) {
        lock.lock();
        try {
            PartitionFetchState state = states.get(tp);
            return state == null ? Optional.empty() : Optional.of(state.fetchOffset());
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code ms} for a partition to be added (the fetcher thread when nothing is ready). */
    public void awaitChange(long ms) throws InterruptedException {
        lock.lock();
        try {
            changed.await(ms, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a thread waiting in {@link #awaitChange}. */
    public void wakeup() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * One round: fetch what is ready and apply the answer.
     *
     * @return how long to wait before the next round: 0 after a fetch was answered, else until the
     * first partition's backoff ends (or {@code replica.fetch.backoff.ms} with none)
     */
    public long doWork() {
        FetchRequest request;
        lock.lock();
        try {
            request = buildFetch(time.milliseconds());
            if (request == null) {
                return untilFirstReady(time.milliseconds());
            }
        } finally {
            lock.unlock();
        }
        FetchResponse response;
        try {
            response = leader.fetch(request);
        } catch (LeaderUnavailableException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> name + ": fetch from broker " + leader.brokerId() + " failed: "
                    + e.getMessage());
            lock.lock();
            try {
                long until = time.milliseconds() + settings.backoffMs();
                request.partitions().forEach(p -> delay(p.topicPartition(), until));
            } finally {
                lock.unlock();
            }
            return settings.backoffMs();
        }
        List<PartitionFetchState> outOfRange = new ArrayList<>();
        lock.lock();
        try {
            for (FetchRequest.PartitionFetch asked : request.partitions()) {
                FetchResponse.PartitionData data = response.partitions().get(asked.topicPartition());
                PartitionFetchState state = states.get(asked.topicPartition());
                if (data == null || state == null || state.fetchOffset() != asked.fetchOffset()
                        || state.currentLeaderEpoch() != asked.currentLeaderEpoch()) {
                    continue; // not answered, or removed / moved on while the fetch was out
                }
                apply(state, data, outOfRange);
            }
        } finally {
            lock.unlock();
        }
        outOfRange.forEach(this::handleOutOfRange);
        return 0;
    }

    /** The Fetch for every ready partition that is still this fetcher's follower; null if none is ready. */
    private FetchRequest buildFetch(long now) {
        List<FetchRequest.PartitionFetch> partitions = new ArrayList<>();
        for (var it = states.values().iterator(); it.hasNext(); ) {
            PartitionFetchState state = it.next();
            PartitionRole role = state.partition().role();
            if (!(role instanceof PartitionRole.Follower f) || f.leaderEpoch() != state.currentLeaderEpoch()) {
                // the role changed without us being told (offline storage): stop touching the log
                LOG.log(System.Logger.Level.INFO, name + ": stops fetching " + state.partition().topicPartition()
                        + ", now " + role);
                it.remove();
                continue;
            }
            if (state.readyAt(now)) {
                long logStart;
                try {
                    logStart = state.partition().logStartOffset();
                } catch (StorageException e) {
                    LOG.log(System.Logger.Level.ERROR, name + ": storage of " + state.partition().topicPartition()
                            + " failed; the replica goes offline", e);
                    it.remove();
                    storageFailed.accept(state.partition().topicPartition(), e);
                    continue;
                }
                partitions.add(new FetchRequest.PartitionFetch(state.partition().topicPartition(), state.topicId(),
                        state.fetchOffset(), state.currentLeaderEpoch(), state.lastFetchedEpoch(), logStart,
                        settings.partitionMaxBytes()));
            }
        }
        return partitions.isEmpty() ? null
                : new FetchRequest(settings.maxWaitMs(), settings.minBytes(), settings.responseMaxBytes(), partitions);
    }

    private long untilFirstReady(long now) {
        long wait = settings.backoffMs();
        for (PartitionFetchState state : states.values()) {
            wait = Math.min(wait, Math.max(1, state.delayedUntilMs() - now));
        }
        return Math.max(1, wait);
    }

    private void apply(PartitionFetchState state, FetchResponse.PartitionData data, List<PartitionFetchState> outOfRange) {
        TopicPartition tp = state.partition().topicPartition();
        switch (data.error()) {
            case NONE -> {
                if (data.divergingEpoch() != null) {
                    guarded(state, () -> truncateOnDivergence(state, data.divergingEpoch()));
                } else {
                    guarded(state, () -> append(state, data));
                }
            }
            case OFFSET_OUT_OF_RANGE -> outOfRange.add(state);
            default -> {
                // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_*, storage
                // errors at the leader: the controller will say what changed; until then retry slowly
                LOG.log(data.error() == Errors.FENCED_LEADER_EPOCH ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                        () -> name + ": fetch of " + tp + " at " + state.fetchOffset() + " in epoch "
                                + state.currentLeaderEpoch() + " answered " + data.error() + "; backing off");
                delay(tp, time.milliseconds() + settings.backoffMs());
            }
        }
    }

    /**
     * Runs a change of the partition's log: a storage failure takes the partition's storage offline
     * and drops it from this fetcher; a closed log (deleted, stopping) drops it; a malformed answer
     * or anything else backs off and is retried.
     */
    private void guarded(PartitionFetchState state, Runnable change) {
        TopicPartition tp = state.partition().topicPartition();
        try {
            change.run();
        } catch (StorageException e) {
            LOG.log(System.Logger.Level.ERROR, name + ": storage of " + tp + " failed; the replica goes offline", e);
            states.remove(tp);
            storageFailed.accept(tp, e);
        } catch (LogClosedException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> name + ": " + tp + " was closed: " + e.getMessage());
            states.remove(tp);
        } catch (InvalidRecordException e) {
            LOG.log(System.Logger.Level.ERROR, name + ": invalid records from broker " + leader.brokerId() + " for "
                    + tp + " at " + state.fetchOffset() + ": " + e.getMessage());
            delay(tp, time.milliseconds() + settings.backoffMs());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, name + ": applying the fetch of " + tp + " at " + state.fetchOffset()
                    + " failed", e);
            delay(tp, time.milliseconds() + settings.backoffMs());
        }
    }

    private void append(PartitionFetchState state, FetchResponse.PartitionData data) {
        Partition partition = state.partition();
        ByteBuffer records = wholeBatches(data.records());
        if (records.hasRemaining()) {
            long firstBase = records.getLong(records.position());
            if (firstBase > partition.logEndOffset()) {
                // the leader's answer starts past our log end: appending would leave a hole in the log
                throw new IllegalStateException("records from offset " + firstBase + " do not follow the log end "
                        + partition.logEndOffset());
            }
            if (firstBase < partition.logEndOffset() && partition.logStartOffset() == partition.logEndOffset()) {
                // an empty log restarted at the leader's log start, which lies inside this batch: start
                // at the batch instead (Kafka does the same on UnexpectedAppendOffsetException)
                partition.follower().truncateFullyAndStartAt(firstBase);
            }
            int bytes = records.remaining();
            partition.follower().append(records);
            events.replicated(partition.topicPartition().topic(), bytes);
        }
        partition.follower().updateHighWatermark(data.highWatermark());
        followLogStart(partition, data.logStartOffset());
        states.put(partition.topicPartition(), state.atLogEnd());
    }

    /** The leader's log start moved (DeleteRecords, retention): ours follows, never past our high watermark. */
    private static void followLogStart(Partition partition, long leaderLogStart) {
        if (leaderLogStart > partition.logStartOffset()) {
            long target = Math.min(leaderLogStart, partition.highWatermark());
            if (target > partition.logStartOffset()) {
                partition.deleteRecordsBefore(target);
            }
        }
    }

    private void truncateOnDivergence(PartitionFetchState state, EpochEndOffset diverging) {
        Partition partition = state.partition();
        Truncation.Target target = Truncation.target(diverging, partition::endOffsetForEpoch, partition.logEndOffset(),
                state.fetchOffset());
        truncate(partition, target.offset(), "the leader's epoch " + diverging.epoch() + " ends at "
                + diverging.endOffset() + (target.complete() ? "" : " (an epoch this log lacks: another round follows)"));
        states.put(partition.topicPartition(), state.atLogEnd());
    }

    private void truncate(Partition partition, long offset, String why) {
        if (offset >= partition.logEndOffset()) {
            return;
        }
        System.Logger.Level level = offset < partition.highWatermark() ? System.Logger.Level.WARNING : System.Logger.Level.INFO;
        LOG.log(level, name + ": truncating " + partition.topicPartition() + " from " + partition.logEndOffset() + " to "
                + offset + " (high watermark " + partition.highWatermark() + "): " + why);
        partition.follower().truncateTo(offset);
    }

    /**
     * OFFSET_OUT_OF_RANGE, as Kafka's fetchOffsetAndTruncate: the leader's end below ours (an unclean
     * election, or a leader that truncated) → truncate to it; else the leader's start above our end
     * (DeleteRecords or retention moved it while we were away) → restart our log empty there. The
     * leader is asked outside the lock; the answer applies only if the partition was not changed meanwhile.
     */
    private void handleOutOfRange(PartitionFetchState asked) {
        Partition partition = asked.partition();
        TopicPartition tp = partition.topicPartition();
        long leaderEnd;
        long leaderStart = -1;
        try {
            leaderEnd = leader.latestOffset(tp, asked.currentLeaderEpoch());
            if (leaderEnd >= asked.fetchOffset()) {
                leaderStart = leader.earliestOffset(tp, asked.currentLeaderEpoch());
            }
        } catch (LeaderUnavailableException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> name + ": offsets of " + tp + " unavailable: " + e.getMessage());
            lock.lock();
            try {
                if (asked.equals(states.get(tp))) {
                    delay(tp, time.milliseconds() + settings.backoffMs());
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        long start = leaderStart;
        lock.lock();
        try {
            if (!asked.equals(states.get(tp))) {
                return;
            }
            guarded(asked, () -> {
                long replicaEnd = partition.logEndOffset();
                if (leaderEnd < replicaEnd) {
                    truncate(partition, leaderEnd, "fetch offset " + replicaEnd + " is past the leader's log end "
                            + leaderEnd);
                    states.put(tp, asked.atLogEnd());
                } else if (start > replicaEnd) {
                    LOG.log(System.Logger.Level.INFO, name + ": " + tp + " restarts empty at the leader's log start "
                            + start + " (its log ended at " + replicaEnd + ")");
                    partition.follower().truncateFullyAndStartAt(start);
                    states.put(tp, asked.atLogEnd());
                } else {
                    // in range again (the leader moved meanwhile): retry after the backoff
                    delay(tp, time.milliseconds() + settings.backoffMs());
                }
            });
        } finally {
            lock.unlock();
        }
    }

    private void delay(TopicPartition tp, long untilMs) {
        states.computeIfPresent(tp, (k, state) -> state.delayedUntil(untilMs));
    }

    /** The batches of {@code records} that arrived whole (a leader may cut the last one at its byte limit). */
    static ByteBuffer wholeBatches(ByteBuffer records) {
        ByteBuffer buffer = records.duplicate();
        int at = buffer.position();
        while (buffer.limit() - at >= 12) {
            int size = 12 + buffer.getInt(at + 8);
            if (size < 12 || buffer.limit() - at < size) {
                break;
            }
            at += size;
        }
        buffer.limit(at);
        return buffer;
    }
}

package dev.sluice.broker.partition;

import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.storage.AppendResult;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the replica fetcher does to this broker's copy of a partition it follows (Kafka's follower
 * path): appends the leader's batches as they are, takes the leader's high watermark, truncates
 * where the logs diverged or restarts the log at the leader's start, and names the last epoch the
 * copy holds (its LastFetchedEpoch). The leader made every decision (offsets, sequences, epochs):
 * none is made here. Reached through {@link Partition#follower()}.
 *
 * <p>Threads: the replica fetchers' threads; every change runs under the owning {@link Partition}'s
 * append lock, so it never interleaves with an append, a role change or an ISR change.
 */
public final class FollowerReplication {
    private final ReentrantLock appendLock;
    private final ReplicaLog replicaLog;
    private final Watermarks watermarks;
    /** The partition's progress listener: waiters re-check after a full truncation. */
    private final Runnable progress;

    FollowerReplication(ReentrantLock appendLock, ReplicaLog replicaLog, Watermarks watermarks, Runnable progress) {
        this.appendLock = appendLock;
        this.replicaLog = replicaLog;
        this.watermarks = watermarks;
        this.progress = progress;
    }

    /**
     * Appends batches copied from the leader, offsets and leader epochs as they are: the headers are
     * walked once (CRC included) into facts, the log stores the batches from them, and the producer
     * state is updated from the same facts with no sequence checks, since the leader made those
     * decisions. The high watermark is left to {@link #updateHighWatermark}.
     *
     * @throws InvalidRecordException if a batch is malformed or the offsets do not follow the log end
     */
    public AppendResult append(ByteBuffer records) {
        BatchFacts facts = Partition.FACTS.get();
        facts.collectValidated(records, Partition.FLYWEIGHT.get());
        appendLock.lock();
        try {
            AppendResult result = replicaLog.appendAsFollower(records, facts);
            watermarks.producerStateChanged();
            return result;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * The high watermark after a fetch: the leader's, but never past this replica's own log end (nor
     * below its log start), as Kafka's follower sets it. It may move back (a new leader's high
     * watermark can lag the old one's for a moment); consumers never read a follower.
     */
    public void updateHighWatermark(long leaderHighWatermark) {
        appendLock.lock();
        try {
            watermarks.follow(leaderHighWatermark);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * The leader epoch of the last batch in this replica's log, or -1 if it has none: the
     * LastFetchedEpoch of a fetch. An epoch recorded at the log end with no batch yet (a start
     * recorded when the partition opened or led) is left out: it says nothing about what the log
     * holds, and claiming it could hide a divergence from the leader.
     */
    public int latestEpoch() {
        return replicaLog.latestEpoch();
    }

    /**
     * Removes every record at or after {@code offset} (where this copy diverged from its leader's)
     * and rebuilds the producer state from the nearest snapshot at or below it plus a replay, so a
     * producer's retry of a truncated batch is appended again, not answered as a duplicate.
     */
    public void truncateTo(long offset) {
        appendLock.lock();
        try {
            replicaLog.truncateTo(offset);
            watermarks.truncated();
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Drops the whole log and restarts it empty at {@code offset} (the leader's log starts past this
     * copy's end). The producer state goes with it, snapshots included, and the high watermark
     * becomes {@code offset}, as Kafka moves it to the new log start.
     */
    public void truncateFullyAndStartAt(long offset) {
        appendLock.lock();
        try {
            replicaLog.truncateFullyAndStartAt(offset);
            watermarks.restarted();
        } finally {
            appendLock.unlock();
        }
        progress.run();
    }
}

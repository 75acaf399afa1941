package dev.sluice.broker.partition;

import dev.sluice.api.storage.LogStorage;

/**
 * A partition's watermarks: the high watermark, the last stable offset (min(high watermark, first
 * offset of a transaction open or not yet committed by replication), from the producer state), and
 * the byte positions delayed fetches compare ({@link AppendedBytes}). A leader only raises its high
 * watermark (to what its in-sync replicas' log ends allow); a follower takes its leader's, capped by
 * its own log end; a truncation caps it at the new log end. Every change of the high watermark or of
 * the producer state recomputes the last stable offset.
 *
 * <p>Threads: changed under the owning {@link Partition}'s append lock; read from any thread
 * (volatile: fetches, delayed operations).
 */
final class Watermarks {
    private final ReplicaLog replicaLog;
    private final LogStorage log;
    private volatile long highWatermark;
    private volatile long lastStableOffset;
    private final AppendedBytes appendedBytes = new AppendedBytes();

    /** @param checkpointedHighWatermark the last high watermark written to the checkpoint, or -1: kept within the log */
    Watermarks(ReplicaLog replicaLog, long checkpointedHighWatermark) {
        this.replicaLog = replicaLog;
        this.log = replicaLog.storage();
        this.highWatermark = Math.max(log.logStartOffset(), Math.min(checkpointedHighWatermark, log.logEndOffset()));
        producerStateChanged();
    }

    long highWatermark() {
        return highWatermark;
    }

    /** At most the high watermark; read_committed fetches and ListOffsets stop there. */
    long lastStableOffset() {
        return lastStableOffset;
    }

    /** Bytes appended since the partition was opened, up to the log end or the high watermark. */
    long appendedBytes(boolean upToLogEnd) {
        return upToLogEnd ? appendedBytes.toLogEnd() : appendedBytes.toHighWatermark();
    }

    /** A leader's high watermark never moves back: raised to {@code candidate} if that is above it. True if it moved. */
    boolean raiseTo(long candidate) {
        if (candidate <= highWatermark) {
            return false;
        }
        highWatermark = candidate;
        appendedBytes.highWatermarkMoved(candidate);
        producerStateChanged();
        return true;
    }

    /**
     * A leader appended {@code bytes} ending before {@code endOffset}, and its replicas now allow
     * {@code candidate} as high watermark: the producer state changed either way.
     */
    void appended(long endOffset, int bytes, long candidate) {
        if (!raiseTo(candidate)) {
            producerStateChanged();
        }
        appendedBytes.appended(endOffset, bytes, highWatermark);
    }

    /**
     * A follower's high watermark after a fetch: the leader's, never past this replica's own log end
     * nor below its log start. It may move back (a new leader's high watermark can lag the old one's
     * for a moment); consumers never read a follower.
     */
    void follow(long leaderHighWatermark) {
        long hw = Math.max(log.logStartOffset(), Math.min(leaderHighWatermark, log.logEndOffset()));
        if (hw > highWatermark) {
            appendedBytes.highWatermarkMoved(hw);
        }
        highWatermark = hw;
        producerStateChanged();
    }

    /** The log was truncated (its producer state rebuilt): the high watermark never passes the log end. */
    void truncated() {
        highWatermark = Math.min(highWatermark, log.logEndOffset());
        producerStateChanged();
    }

    /** The log restarted empty: the high watermark is its new start, as Kafka moves it there. */
    void restarted() {
        highWatermark = log.logEndOffset();
        producerStateChanged();
    }

    /** The producer state changed (an append, a marker, the follower's replicated batches): the last stable offset follows. */
    void producerStateChanged() {
        lastStableOffset = replicaLog.lastStableOffset(highWatermark);
    }
}

package dev.sluice.storage.file.log;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.file.segment.LogSegment;

/**
 * When a log fsyncs and how far it is known to be on stable storage: the recovery point (every
 * offset below it was forced), what was appended or changed since the last fsync, and the
 * {@code flush.messages} / {@code flush.ms} policy. The checkpoint file is written by an explicit
 * flush, retention and close, not on every append-driven fsync: a stale checkpoint only means more
 * recovery work after a crash.
 *
 * <p>Threads: its log's writer only (under the log's write lock, or the thread opening the log).
 */
final class LogFlushing {
    private final TopicPartition partition;
    private final LogCheckpoints checkpoints;
    private final Time time;

    private long recoveryPoint;
    private long checkpointedRecoveryPoint = -1;
    private long unflushedRecords;
    /**
     * Segment files changed (append, roll, truncation) since the last fsync: close forces only
     * then, so an untouched log (most of them, with thousands of partitions) closes without I/O.
     */
    private boolean unflushedChanges;
    private long lastFlushMs;

    LogFlushing(TopicPartition partition, LogCheckpoints checkpoints, Time time) {
        this.partition = partition;
        this.checkpoints = checkpoints;
        this.time = time;
    }

    /** Where loading left the log: {@code recoveryPoint} as the clean shutdown or the checkpoint says. */
    void loaded(long recoveryPoint) {
        this.recoveryPoint = recoveryPoint;
        this.lastFlushMs = time.milliseconds();
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    /** {@code records} were appended to the segments (not yet forced). */
    void appended(long records) {
        unflushedRecords += records;
        unflushedChanges = true;
    }

    /** Segment files changed other than by an append (roll, truncation, a new segment). */
    void changed() {
        unflushedChanges = true;
    }

    /** flush.messages / flush.ms: true if the append path or the periodic retention call should fsync now. */
    boolean due(LogConfig cfg) {
        if (unflushedRecords == 0) {
            return false;
        }
        return unflushedRecords >= cfg.flushMessages()
                || (cfg.flushMs() != Long.MAX_VALUE && time.milliseconds() - lastFlushMs >= cfg.flushMs());
    }

    /** True if close must force: something was written or changed since the last fsync. */
    boolean needsForceBefore(long logEndOffset) {
        return unflushedChanges || recoveryPoint < logEndOffset;
    }

    /**
     * Forces the segments that may hold data at or after the recovery point, then moves the
     * recovery point to {@code offset}.
     */
    void flushUpTo(LogSegments segments, long offset) {
        for (LogSegment segment : segments.from(recoveryPoint)) {
            segment.flush();
        }
        recoveryPoint = Math.max(recoveryPoint, offset);
        unflushedRecords = 0;
        unflushedChanges = false;
        lastFlushMs = time.milliseconds();
    }

    /**
     * The log was cut to {@code offset}: a recovery point above it would let recovery skip data
     * written after this point, so it moves back and the checkpoint is written at once.
     */
    void truncatedTo(long offset) {
        if (recoveryPoint > offset) {
            recoveryPoint = offset;
            writeCheckpoint();
        }
    }

    /** The log restarted empty at {@code offset}: it is the recovery point, written at once. */
    void restartedAt(long offset) {
        recoveryPoint = offset;
        writeCheckpoint();
    }

    /** Writes the recovery point to the directory's checkpoint if it moved since the last write. */
    void checkpointIfMoved() {
        if (recoveryPoint != checkpointedRecoveryPoint) {
            writeCheckpoint();
        }
    }

    void writeCheckpoint() {
        checkpoints.recoveryPoint(partition, recoveryPoint);
        checkpointedRecoveryPoint = recoveryPoint;
    }
}

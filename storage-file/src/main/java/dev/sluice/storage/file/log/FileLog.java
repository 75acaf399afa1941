package dev.sluice.storage.file.log;

import dev.sluice.api.Time;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.IncomingBatches;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.file.checkpoint.LeaderEpochCheckpointFile;
import dev.sluice.storage.file.segment.BatchHeaderReader;
import dev.sluice.storage.file.segment.LogSegment;
import dev.sluice.storage.file.segment.SegmentFiles;
import dev.sluice.storage.file.segment.SegmentRecovery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The log of one partition as a directory of {@link LogSegment}s: Sluice's default
 * {@link LogStorage}.
 *
 * <p>One writer at a time (the caller serialises append, truncate, retention, flush, close);
 * readers run concurrently. The writer publishes through volatile fields, in this order: segment
 * bytes and index entries, segment size, then {@link #logEndOffset()}; readers read the log end
 * first and never look past it. Writers, {@link #close()} and {@link #closeForDeletion()} hold one
 * lock, so a partition deleted while an append is in progress loses no file to it and gains none.
 * Segments removed by retention, DeleteRecords or truncation are retired: renamed {@code .deleted}
 * with their channel open until {@code file.delete.delay.ms} has passed ({@link DelayedDeletes}),
 * so a reader that already found its segment, and a slice being sent, read on undisturbed; a read
 * that starts below the new log start gets an {@link OffsetOutOfRangeException}.
 */
public final class FileLog implements LogStorage {
    private static final System.Logger LOG = System.getLogger(FileLog.class.getName());

    private final TopicPartition partition;
    private final Path dir;
    private final Time time;
    private final LogCheckpoints checkpoints;
    private final LogSegments segments = new LogSegments();
    private final LeaderEpochCache epochs;
    private final IncomingBatches incoming = new IncomingBatches();
    /** Held by every writer operation and by close/delete, so none of them interleave. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final DelayedDeletes deletes;

    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile boolean closed;
    // writer-only state
    private long recoveryPoint;
    private long checkpointedRecoveryPoint = -1;
    private long unflushedRecords;
    /**
     * Segment files changed (append, roll, truncation) since the last fsync: close forces only
     * then, so an untouched log (most of them, with thousands of partitions) closes without I/O.
     */
    private boolean unflushedChanges;
    private long lastFlushMs;

    private FileLog(Path dir, TopicPartition partition, LogConfig config, Time time, LogCheckpoints checkpoints,
                    DelayedDeletes deletes) {
        this.dir = dir;
        this.deletes = deletes;
        this.partition = partition;
        this.config = config;
        this.time = time;
        this.checkpoints = checkpoints;
        this.epochs = new LeaderEpochCache(new LeaderEpochCheckpointFile(dir));
    }

    /** Opens the log in {@code dir}, deleting the segments it retires at once (a log used on its own). */
    public static FileLog open(Path dir, TopicPartition partition, LogConfig config, Time time,
                               LogCheckpoints checkpoints, OpenState state) {
        return open(dir, partition, config, time, checkpoints, state, DelayedDeletes.IMMEDIATE);
    }

    /**
     * Opens (creating, or recovering as {@code state} requires) the log in directory {@code dir};
     * segments it retires are deleted through {@code deletes}, after {@code file.delete.delay.ms}.
     */
    public static FileLog open(Path dir, TopicPartition partition, LogConfig config, Time time,
                               LogCheckpoints checkpoints, OpenState state, DelayedDeletes deletes) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create log directory " + dir, e);
        }
        FileLog log = new FileLog(dir, partition, config, time, checkpoints, deletes);
        try {
            log.epochs.deferWrites(); // what loading drops, an empty partition's leader adds back: write only a real change
            LogLoader.Loaded loaded = new LogLoader(dir, config, time, state, log.epochs).load(log.segments);
            log.epochs.resumeWrites();
            log.logEndOffset = loaded.logEndOffset();
            log.logStartOffset = loaded.logStartOffset();
            log.lastFlushMs = time.milliseconds();
            log.recoveryPoint = state.cleanShutdown() ? loaded.logEndOffset() : state.recoveryPoint().orElse(0L);
            if (loaded.recovered() || !state.cleanShutdown()) {
                log.flush(); // what recovery kept is now known good: move the recovery point to the end
            }
            // old segments give their descriptor back until read again: many segments, few open files
            LogSegment active = log.segments.active();
            for (LogSegment segment : log.segments.all()) {
                if (segment != active) {
                    segment.park();
                }
            }
        } catch (RuntimeException e) {
            log.closeSegments();
            throw e;
        }
        return log;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public TopicPartition topicPartition() {
        return partition;
    }

    // ---------------------------------------------------------------- appending

    @Override
    public AppendResult append(ByteBuffer batches) {
        return append(batches, true);
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches) {
        return append(batches, false);
    }

    @Override
    public AppendResult append(ByteBuffer batches, BatchFacts facts) {
        return append(batches, facts, true);
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches, BatchFacts facts) {
        return append(batches, facts, false);
    }

    private AppendResult append(ByteBuffer input, BatchFacts facts, boolean assignOffsets) {
        writeLock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            incoming.prepare(input, facts, logEndOffset, assignOffsets, cfg.segmentBytes());
            return write(input, cfg);
        } finally {
            writeLock.unlock();
        }
    }

    private AppendResult append(ByteBuffer input, boolean assignOffsets) {
        writeLock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            incoming.prepare(input, logEndOffset, assignOffsets, cfg.segmentBytes());
            return write(input, cfg);
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes a prepared append: everything from here on reads the batch facts, not the headers. */
    private AppendResult write(ByteBuffer input, LogConfig cfg) {
        LogSegment previous = segments.active();
        LogSegment segment = maybeRoll(cfg);
        boolean rolled = segment != previous && previous.size() > 0;
        BatchFacts facts = incoming.facts();
        for (int i = 0; i < facts.count(); i++) {
            epochs.assign(facts.leaderEpoch(i), facts.baseOffset(i));
        }
        epochs.persist(); // entries that loading dropped must leave the file before the log grows past them
        segment.append(input, facts, cfg.indexIntervalBytes());
        logEndOffset = incoming.lastOffset() + 1;
        unflushedRecords += incoming.records();
        unflushedChanges = true;
        if (flushDue(cfg)) {
            flushUpTo(logEndOffset);
        }
        return incoming.result(rolled);
    }

    /** Rolls to a new segment when the append would not fit in the active one (Kafka's conditions). */
    private LogSegment maybeRoll(LogConfig cfg) {
        LogSegment active = segments.active();
        boolean roll = active.size() > 0 && (active.size() > cfg.segmentBytes() - incoming.bytes()
                || active.timeWaitedForRoll(time.milliseconds(), incoming.firstBatchMaxTimestamp()) > cfg.segmentMs()
                || active.indexesFull()
                || !active.canHoldOffset(incoming.lastOffset()));
        if (roll || !active.canHoldOffset(incoming.lastOffset())) {
            return roll(incoming.firstOffset());
        }
        return active;
    }

    /** Starts a new active segment at {@code baseOffset} (replacing the active one if it is empty). */
    private LogSegment roll(long baseOffset) {
        LogSegment active = segments.active();
        if (active.size() == 0) {
            if (active.baseOffset() == baseOffset) {
                return active;
            }
            segments.remove(active);
            active.delete();
        } else {
            active.onBecomeInactive();
        }
        unflushedChanges = true;
        // files for a segment we do not have cannot hold live data (e.g. left by an interrupted delete)
        SegmentFiles.deleteAll(dir, baseOffset);
        LogSegment segment = LogSegment.open(dir, baseOffset, config.maxIndexBytes(), time.milliseconds());
        segments.add(segment);
        LOG.log(System.Logger.Level.DEBUG, "{0}: rolled new segment at offset {1}", partition, baseOffset);
        return segment;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public LogSlice read(long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch) {
        ensureOpen();
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
        }
        long end = logEndOffset;
        checkInRange(fromOffset, end);
        if (fromOffset == end || maxOffset <= fromOffset) {
            return LogSlice.EMPTY;
        }
        BatchHeaderReader reader = new BatchHeaderReader();
        try {
            LogSegment segment = segments.floor(fromOffset);
            for (; segment != null; segment = segments.next(segment)) {
                int position = segment.positionOf(fromOffset, reader);
                if (position >= 0) {
                    return segment.read(position, Math.min(maxOffset, end), maxBytes, minOneBatch, reader);
                }
            }
            // nothing found below the end we saw: retention must have removed the segment meanwhile
            checkInRange(fromOffset, end);
            return LogSlice.EMPTY;
        } catch (StorageException e) {
            throw readFailure(fromOffset, e);
        }
    }

    private void checkInRange(long offset, long end) {
        long start = logStartOffset;
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException("offset " + offset + " is outside the log of " + partition
                    + " [" + start + ", " + end + "]");
        }
    }

    /**
     * A segment closed under a reader was deleted by retention or truncation, or the log was
     * closed: say so instead of reporting a disk failure.
     */
    private RuntimeException readFailure(long offset, StorageException e) {
        if (e.getCause() instanceof ClosedChannelException) {
            if (closed) {
                return new LogClosedException("log " + partition + " was closed during the read", e);
            }
            if (offset < logStartOffset) {
                return new OffsetOutOfRangeException("offset " + offset + " was deleted during the read; the log of "
                        + partition + " now starts at " + logStartOffset);
            }
        }
        return new StorageException("read of " + partition + " at offset " + offset + " failed", e);
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        ensureOpen();
        BatchHeaderReader reader = new BatchHeaderReader();
        long start = logStartOffset;
        try {
            for (LogSegment segment : segments.all()) {
                TimestampOffset max = segment.maxTimestampSoFar();
                if (max != null && max.timestamp() >= timestampMs) {
                    Optional<TimestampOffset> found = segment.findOffsetByTimestamp(timestampMs, start, reader);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        } catch (StorageException e) {
            throw readFailure(start, e);
        }
    }

    @Override
    public Optional<TimestampOffset> maxTimestamp() {
        ensureOpen();
        LogSegment holder = null;
        long max = Long.MIN_VALUE;
        for (LogSegment segment : segments.all()) {
            TimestampOffset segmentMax = segment.maxTimestampSoFar();
            if (segmentMax != null && segmentMax.timestamp() > max) {
                max = segmentMax.timestamp();
                holder = segment;
            }
        }
        if (holder == null || max < 0) {
            return Optional.empty();
        }
        try {
            return holder.maxTimestampRecord(new BatchHeaderReader());
        } catch (StorageException e) {
            throw readFailure(holder.baseOffset(), e);
        }
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffset;
    }

    @Override
    public long activeSegmentBaseOffset() {
        return segments.active().baseOffset();
    }

    @Override
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    @Override
    public List<EpochEntry> epochs() {
        return epochs.entries();
    }

    @Override
    public void assignEpochStartOffset(int epoch, long startOffset) {
        writeLock.lock();
        try {
            ensureOpen();
            epochs.assign(epoch, startOffset); // the cache writes its checkpoint when it differs from the file

        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- truncation and retention

    @Override
    public void truncateTo(long offset) {
        writeLock.lock();
        try {
            ensureOpen();
            if (offset < 0) {
                throw new IllegalArgumentException("cannot truncate to negative offset " + offset);
            }
            if (offset >= logEndOffset) {
                return;
            }
            if (offset <= logStartOffset) {
                truncateFullyAndStartAt(offset);
                return;
            }
            LogSegment keep = segments.floor(offset);
            List<LogSegment> doomed = new ArrayList<>(segments.above(keep.baseOffset()));
            for (int i = doomed.size() - 1; i >= 0; i--) { // newest first: a crash leaves a prefix
                retire(doomed.get(i));
            }
            unflushedChanges = true;
            keep.truncateTo(offset, time.milliseconds());
            keep.resizeIndexes(config.maxIndexBytes()); // it may have been rolled away from and trimmed
            long newEnd = keep.size() == 0 ? keep.baseOffset() : SegmentRecovery.readNextOffset(keep);
            logEndOffset = newEnd;
            epochs.truncateFromEnd(newEnd);
            if (recoveryPoint > newEnd) {
                // the old checkpoint would let recovery skip data written after this point: write it now
                recoveryPoint = newEnd;
                writeRecoveryCheckpoint();
            }
            LOG.log(System.Logger.Level.INFO, "{0}: truncated to offset {1}", partition, newEnd);

        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        writeLock.lock();
        try {
            ensureOpen();
            if (offset < 0) {
                throw new IllegalArgumentException("cannot restart the log at negative offset " + offset);
            }
            List<LogSegment> all = new ArrayList<>(segments.all());
            logStartOffset = offset;
            for (int i = all.size() - 1; i >= 0; i--) {
                retire(all.get(i));
            }
            SegmentFiles.deleteAll(dir, offset);
            unflushedChanges = true;
            segments.add(LogSegment.open(dir, offset, config.maxIndexBytes(), time.milliseconds()));
            logEndOffset = offset;
            epochs.clear();
            checkpoints.logStartOffset(partition, offset);
            recoveryPoint = offset;
            writeRecoveryCheckpoint();
            LOG.log(System.Logger.Level.INFO, "{0}: truncated fully, restarting at offset {1}", partition, offset);

        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        writeLock.lock();
        try {
            ensureOpen();
            long end = logEndOffset;
            if (offset > end) {
                throw new OffsetOutOfRangeException("cannot delete records before " + offset + ": the log of " + partition
                        + " ends at " + end);
            }
            if (offset <= logStartOffset) {
                return logStartOffset;
            }
            logStartOffset = offset;
            checkpoints.logStartOffset(partition, offset);
            epochs.truncateFromStart(offset);
            deleteOldSegments(RetentionRules.belowLogStart(offset), "below log start offset");
            return offset;

        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public int enforceRetention() {
        writeLock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            long now = time.milliseconds();
            int deleted = deleteOldSegments(RetentionRules.belowLogStart(logStartOffset), "below log start offset");
            if (cfg.retentionMs() >= 0) {
                deleted += deleteOldSegments(RetentionRules.olderThan(now, cfg.retentionMs()), "retention.ms");
            }
            if (cfg.retentionBytes() >= 0) {
                deleted += deleteOldSegments(RetentionRules.largerThan(sizeInBytes(), cfg.retentionBytes()), "retention.bytes");
            }
            LogSegment active = segments.active();
            if (active.size() > 0 && active.timeWaitedForRoll(now, now) > cfg.segmentMs()) {
                roll(logEndOffset);
            }
            if (flushDue(cfg)) {
                flushUpTo(logEndOffset);
            }
            if (recoveryPoint != checkpointedRecoveryPoint) {
                writeRecoveryCheckpoint();
            }
            return deleted;

        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Deletes the oldest segments while {@code rule} allows. The active segment may go too (unless
     * empty): then a new empty one is rolled first so the log always has one, as Kafka does.
     */
    private int deleteOldSegments(RetentionRules.Rule rule, String reason) {
        List<LogSegment> deletable = new ArrayList<>();
        for (LogSegment segment : segments.all()) {
            LogSegment next = segments.next(segment);
            if ((next == null && segment.size() == 0) || !rule.deletable(segment, next)) {
                break;
            }
            deletable.add(segment);
        }
        if (deletable.isEmpty()) {
            return 0;
        }
        if (deletable.size() == segments.count()) {
            roll(logEndOffset);
        }
        long newStart = Math.max(logStartOffset, segments.next(deletable.get(deletable.size() - 1)).baseOffset());
        boolean startMoved = newStart > logStartOffset;
        logStartOffset = newStart; // first, so readers of the doomed segments get "out of range"
        for (LogSegment segment : deletable) {
            LOG.log(System.Logger.Level.INFO, "{0}: deleting segment {1} ({2})", partition, segment.logFile().getFileName(), reason);
            retire(segment);
        }
        if (startMoved) {
            // No checkpoint write: the new start is the first segment's base offset, which is what
            // loading finds anyway (the log start is the larger of checkpoint and first segment).
            epochs.truncateFromStart(newStart);
        }
        return deletable.size();
    }

    /**
     * Takes a segment out of the log: its files are renamed {@code .deleted} at once (so a new
     * segment may take its name) and removed after {@code file.delete.delay.ms}; until then its
     * channel stays open, so slices already handed to the network are sent whole.
     */
    private void retire(LogSegment segment) {
        segments.remove(segment);
        segment.renameForDeletion();
        deletes.later(config.fileDeleteDelayMs(), segment::delete);
    }

    // ---------------------------------------------------------------- configuration, flushing, lifecycle

    @Override
    public void updateConfig(LogConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public LogConfig config() {
        return config;
    }

    /** flush.messages / flush.ms: fsync from the append path or the periodic retention call. */
    private boolean flushDue(LogConfig cfg) {
        if (unflushedRecords == 0) {
            return false;
        }
        return unflushedRecords >= cfg.flushMessages()
                || (cfg.flushMs() != Long.MAX_VALUE && time.milliseconds() - lastFlushMs >= cfg.flushMs());
    }

    /**
     * Forces the segments that may hold data at or after the recovery point, then moves the
     * recovery point. The checkpoint file is written by {@link #flush()}, retention and close,
     * not on every append-driven fsync: a stale checkpoint only means more recovery work.
     */
    private void flushUpTo(long offset) {
        for (LogSegment segment : segments.from(recoveryPoint)) {
            segment.flush();
        }
        recoveryPoint = Math.max(recoveryPoint, offset);
        unflushedRecords = 0;
        unflushedChanges = false;
        lastFlushMs = time.milliseconds();
    }

    private void writeRecoveryCheckpoint() {
        checkpoints.recoveryPoint(partition, recoveryPoint);
        checkpointedRecoveryPoint = recoveryPoint;
    }

    @Override
    public void flush() {
        writeLock.lock();
        try {
            ensureOpen();
            flushUpTo(logEndOffset);
            writeRecoveryCheckpoint();

        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                // as Kafka's flush on shutdown: nothing written since the last fsync, nothing to force
                if (unflushedChanges || recoveryPoint < logEndOffset) {
                    flushUpTo(logEndOffset);
                }
                writeRecoveryCheckpoint();
            } finally {
                closed = true;
                closeSegments();
            }

        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Stops the log because its partition is being deleted: waits for a writer still inside it
     * (an append finishes before its files go away, and none starts after), then refuses every
     * call. Nothing is written, trimmed or closed: the engine renames the directory away and
     * later calls {@link #releaseDeletedSegments()}, so slices already read stay sendable.
     */
    public void closeForDeletion() {
        writeLock.lock();
        try {
            closed = true;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Closes the segment channels of a log stopped by {@link #closeForDeletion()}. Touches no path:
     * the directory was renamed away and a new log of the same partition may use the old names.
     */
    public void releaseDeletedSegments() {
        for (LogSegment segment : segments.all()) {
            segment.release();
        }
    }

    private void closeSegments() {
        for (LogSegment segment : segments.all()) {
            try {
                segment.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + segment + " failed", e);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new LogClosedException("log " + partition + " is closed");
        }
    }

    @Override
    public String toString() {
        return "FileLog(" + partition + ", start=" + logStartOffset + ", end=" + logEndOffset + ", segments="
                + segments.count() + ")";
    }
}

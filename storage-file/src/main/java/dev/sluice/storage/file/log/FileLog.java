package dev.sluice.storage.file.log;

import dev.sluice.api.Time;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.storage.AbortedTxn;
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
import dev.sluice.storage.file.segment.LogSegment;
import dev.sluice.storage.file.segment.SegmentFiles;
import dev.sluice.storage.file.segment.SegmentRecovery;

import java.io.IOException;
import java.nio.ByteBuffer;
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
    /** Bumped by every truncation: a cleaning that started before one is abandoned. */
    private volatile long truncations;
    /** Created on first use; the cleaner's half of the log. */
    private volatile FileLogCompaction compaction;
    /** Writer-only: the recovery point and the fsync policy. */
    private final LogFlushing flushing;
    private final LogReads reads;

    private FileLog(Path dir, TopicPartition partition, LogConfig config, Time time, LogCheckpoints checkpoints,
                    DelayedDeletes deletes) {
        this.dir = dir;
        this.deletes = deletes;
        this.partition = partition;
        this.config = config;
        this.time = time;
        this.checkpoints = checkpoints;
        this.epochs = new LeaderEpochCache(new LeaderEpochCheckpointFile(dir));
        this.flushing = new LogFlushing(partition, checkpoints, time);
        this.reads = new LogReads(this, partition, segments);
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
            log.flushing.loaded(state.cleanShutdown() ? loaded.logEndOffset() : state.recoveryPoint().orElse(0L));
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
        flushing.appended(incoming.records());
        if (flushing.due(cfg)) {
            flushing.flushUpTo(segments, logEndOffset);
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
        flushing.changed();
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
        return reads.read(fromOffset, maxOffset, maxBytes, minOneBatch);
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        ensureOpen();
        return reads.offsetForTimestamp(timestampMs);
    }

    @Override
    public Optional<TimestampOffset> maxTimestamp() {
        ensureOpen();
        return reads.maxTimestamp();
    }

    boolean isClosed() {
        return closed;
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
    public int segmentCount() {
        return segments.count();
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

    /** The entry goes to the index of the segment holding its marker (the active one, unless a replay re-adds it). */
    @Override
    public void appendAbortedTransaction(AbortedTxn entry) {
        writeLock.lock();
        try {
            ensureOpen();
            if (entry.lastOffset() >= logEndOffset) {
                throw new IllegalArgumentException(partition + ": aborted transaction " + entry
                        + " has its marker at or past the log end " + logEndOffset);
            }
            if (entry.lastOffset() <= lastAbortMarkerOffset() || entry.lastOffset() < logStartOffset) {
                return; // already indexed (a replay after restart), or below what any fetch can read
            }
            segments.floor(entry.lastOffset()).txnIndex().append(entry);
        } finally {
            writeLock.unlock();
        }
    }

    /** The newest entry's marker offset across the segments (the newest segment with entries), or -1. */
    private long lastAbortMarkerOffset() {
        long last = -1;
        for (LogSegment segment : segments.all()) {
            last = Math.max(last, segment.txnIndex().lastMarkerOffset());
        }
        return last;
    }

    @Override
    public List<AbortedTxn> abortedTransactions(long fromOffset, long upperBoundOffset) {
        ensureOpen();
        List<AbortedTxn> found = new ArrayList<>();
        for (LogSegment segment : segments.from(fromOffset)) {
            if (segment.txnIndex().collect(fromOffset, upperBoundOffset, found)) {
                break;
            }
        }
        return found;
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
            flushing.changed();
            truncations++;
            keep.truncateTo(offset, time.milliseconds());
            keep.resizeIndexes(config.maxIndexBytes()); // it may have been rolled away from and trimmed
            long newEnd = keep.size() == 0 ? keep.baseOffset() : SegmentRecovery.readNextOffset(keep);
            logEndOffset = newEnd;
            epochs.truncateFromEnd(newEnd);
            flushing.truncatedTo(newEnd);
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
            truncations++;
            logStartOffset = offset;
            for (int i = all.size() - 1; i >= 0; i--) {
                retire(all.get(i));
            }
            SegmentFiles.deleteAll(dir, offset);
            flushing.changed();
            segments.add(LogSegment.open(dir, offset, config.maxIndexBytes(), time.milliseconds()));
            logEndOffset = offset;
            epochs.clear();
            checkpoints.logStartOffset(partition, offset);
            flushing.restartedAt(offset);
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
            if (flushing.due(cfg)) {
                flushing.flushUpTo(segments, logEndOffset);
            }
            flushing.checkpointIfMoved();
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

    // ---------------------------------------------------------------- compaction

    @Override
    public Optional<dev.sluice.api.storage.LogCompaction> compaction() {
        FileLogCompaction c = compaction;
        if (c == null) {
            synchronized (this) {
                if (compaction == null) {
                    compaction = new FileLogCompaction(this, segments, dir, partition);
                }
                c = compaction;
            }
        }
        return Optional.of(c);
    }

    long truncations() {
        return truncations;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    Time time() {
        return time;
    }

    /** Under the write lock: throws if the log was closed. */
    void checkOpen() {
        ensureOpen();
    }

    /**
     * Under the write lock: replaces {@code old} (consecutive segments, none active) by
     * {@code cleaned}, whose files carry the {@code .swap} suffix and start at the first one's
     * base offset. Crash-safe as Kafka's swap: the {@code .swap} files exist before the old
     * segments are retired, and start-up finishes a swap it finds (LogLoader).
     */
    void swapSegments(List<LogSegment> old, LogSegment cleaned) {
        // an old segment: its descriptor comes back on first read. Parked before readers can see it,
        // never after (parking closes the channel under any slice already handed out)
        cleaned.park();
        segments.add(cleaned); // replaces the first old segment for readers at once: same base offset
        for (LogSegment segment : old) {
            segments.remove(segment);
            segment.renameForDeletion();
            deletes.later(config.fileDeleteDelayMs(), segment::delete);
        }
        cleaned.renameWithSuffix("");
        SegmentDirectory.fsync(dir);
        flushing.changed();
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

    @Override
    public void flush() {
        writeLock.lock();
        try {
            ensureOpen();
            flushing.flushUpTo(segments, logEndOffset);
            flushing.writeCheckpoint();

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
                if (flushing.needsForceBefore(logEndOffset)) {
                    flushing.flushUpTo(segments, logEndOffset);
                }
                flushing.writeCheckpoint();
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

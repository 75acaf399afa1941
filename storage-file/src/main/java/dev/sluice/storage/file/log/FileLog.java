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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Segments removed by retention, DeleteRecords or truncation ({@link FileLogTruncation}) are
 * retired: renamed {@code .deleted} with their channel open until {@code file.delete.delay.ms} has
 * passed ({@link DelayedDeletes}), so a reader that already found its segment, and a slice being
 * sent, read on undisturbed; a read that starts below the new log start gets an
 * {@link OffsetOutOfRangeException}. Reads are {@link LogReads}', compaction {@link FileLogCompaction}'s.
 */
public final class FileLog implements LogStorage {
    private static final System.Logger LOG = System.getLogger(FileLog.class.getName());

    private final TopicPartition partition;
    private final Path dir;
    private final Time time;
    private final LogSegments segments = new LogSegments();
    private final LeaderEpochCache epochs;
    private final IncomingBatches incoming = new IncomingBatches();
    /** Held by every writer operation and by close/delete, so none of them interleave. */
    private final ReentrantLock writeLock = new ReentrantLock();

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
    private final FileLogTruncation truncation;

    private FileLog(Path dir, TopicPartition partition, LogConfig config, Time time, LogCheckpoints checkpoints,
                    DelayedDeletes deletes) {
        this.dir = dir;
        this.partition = partition;
        this.config = config;
        this.time = time;
        this.epochs = new LeaderEpochCache(new LeaderEpochCheckpointFile(dir));
        this.flushing = new LogFlushing(partition, checkpoints, time);
        this.reads = new LogReads(this, partition, segments);
        this.truncation = new FileLogTruncation(this, dir, partition, segments, epochs, flushing, checkpoints, deletes);
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
        return append(batches, null, true);
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches) {
        return append(batches, null, false);
    }

    @Override
    public AppendResult append(ByteBuffer batches, BatchFacts facts) {
        return append(batches, facts, true);
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches, BatchFacts facts) {
        return append(batches, facts, false);
    }

    /** {@code facts}: the caller's walk over the batches, or null to have them walked and validated here. */
    private AppendResult append(ByteBuffer input, BatchFacts facts, boolean assignOffsets) {
        writeLock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            if (facts == null) {
                incoming.prepare(input, logEndOffset, assignOffsets, cfg.segmentBytes());
            } else {
                incoming.prepare(input, facts, logEndOffset, assignOffsets, cfg.segmentBytes());
            }
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

    /** Under the write lock: starts a new active segment at {@code baseOffset} (replacing the active one if it is empty). */
    LogSegment roll(long baseOffset) {
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
            if (entry.lastOffset() <= segments.lastAbortMarkerOffset() || entry.lastOffset() < logStartOffset) {
                return; // already indexed (a replay after restart), or below what any fetch can read
            }
            segments.floor(entry.lastOffset()).txnIndex().append(entry);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<AbortedTxn> abortedTransactions(long fromOffset, long upperBoundOffset) {
        ensureOpen();
        return segments.abortedTransactions(fromOffset, upperBoundOffset);
    }

    // ---------------------------------------------------------------- truncation and retention

    @Override
    public void truncateTo(long offset) {
        writeLock.lock();
        try {
            ensureOpen();
            truncation.truncateTo(offset);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        writeLock.lock();
        try {
            ensureOpen();
            truncation.truncateFullyAndStartAt(offset);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        writeLock.lock();
        try {
            ensureOpen();
            return truncation.deleteRecordsBefore(offset);
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
            int deleted = truncation.enforceRetention(now);
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

    /** Under the write lock ({@link FileLogTruncation}): the new log start, published to readers. */
    void logStartOffset(long offset) {
        logStartOffset = offset;
    }

    /** Under the write lock ({@link FileLogTruncation}): the new log end, published to readers. */
    void logEndOffset(long offset) {
        logEndOffset = offset;
    }

    /** Under the write lock: records were truncated away, so a cleaning begun before is abandoned. */
    void truncated() {
        truncations++;
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
            truncation.retire(segment);
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

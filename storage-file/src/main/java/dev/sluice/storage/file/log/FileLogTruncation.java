package dev.sluice.storage.file.log;

import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.file.segment.LogSegment;
import dev.sluice.storage.file.segment.SegmentFiles;
import dev.sluice.storage.file.segment.SegmentRecovery;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What takes records out of a {@link FileLog}: truncation at the end (a follower's divergence),
 * a full restart at any offset, and whole segments at the front (DeleteRecords, retention). Every
 * segment leaves through {@link #retire}: out of the log at once, its files renamed {@code .deleted}
 * and removed after {@code file.delete.delay.ms}, so slices already handed out are sent whole.
 *
 * <p>Threads: the log's writer, under its write lock (the {@link FileLog} methods take it).
 */
final class FileLogTruncation {
    private static final System.Logger LOG = System.getLogger(FileLogTruncation.class.getName());

    private final FileLog log;
    private final Path dir;
    private final TopicPartition partition;
    private final LogSegments segments;
    private final LeaderEpochCache epochs;
    private final LogFlushing flushing;
    private final LogCheckpoints checkpoints;
    private final DelayedDeletes deletes;

    FileLogTruncation(FileLog log, Path dir, TopicPartition partition, LogSegments segments, LeaderEpochCache epochs,
                      LogFlushing flushing, LogCheckpoints checkpoints, DelayedDeletes deletes) {
        this.log = log;
        this.dir = dir;
        this.partition = partition;
        this.segments = segments;
        this.epochs = epochs;
        this.flushing = flushing;
        this.checkpoints = checkpoints;
        this.deletes = deletes;
    }

    /** See {@link FileLog#truncateTo}. */
    void truncateTo(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("cannot truncate to negative offset " + offset);
        }
        if (offset >= log.logEndOffset()) {
            return;
        }
        if (offset <= log.logStartOffset()) {
            truncateFullyAndStartAt(offset);
            return;
        }
        LogSegment keep = segments.floor(offset);
        List<LogSegment> doomed = new ArrayList<>(segments.above(keep.baseOffset()));
        for (int i = doomed.size() - 1; i >= 0; i--) { // newest first: a crash leaves a prefix
            retire(doomed.get(i));
        }
        flushing.changed();
        log.truncated();
        keep.truncateTo(offset, log.time().milliseconds());
        keep.resizeIndexes(log.config().maxIndexBytes()); // it may have been rolled away from and trimmed
        long newEnd = keep.size() == 0 ? keep.baseOffset() : SegmentRecovery.readNextOffset(keep);
        log.logEndOffset(newEnd);
        epochs.truncateFromEnd(newEnd);
        flushing.truncatedTo(newEnd);
        LOG.log(System.Logger.Level.INFO, "{0}: truncated to offset {1}", partition, newEnd);
    }

    /** See {@link FileLog#truncateFullyAndStartAt}. */
    void truncateFullyAndStartAt(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("cannot restart the log at negative offset " + offset);
        }
        List<LogSegment> all = new ArrayList<>(segments.all());
        log.truncated();
        log.logStartOffset(offset);
        for (int i = all.size() - 1; i >= 0; i--) {
            retire(all.get(i));
        }
        SegmentFiles.deleteAll(dir, offset);
        flushing.changed();
        segments.add(LogSegment.open(dir, offset, log.config().maxIndexBytes(), log.time().milliseconds()));
        log.logEndOffset(offset);
        epochs.clear();
        checkpoints.logStartOffset(partition, offset);
        flushing.restartedAt(offset);
        LOG.log(System.Logger.Level.INFO, "{0}: truncated fully, restarting at offset {1}", partition, offset);
    }

    /** See {@link FileLog#deleteRecordsBefore}. */
    long deleteRecordsBefore(long offset) {
        long end = log.logEndOffset();
        if (offset > end) {
            throw new OffsetOutOfRangeException("cannot delete records before " + offset + ": the log of " + partition
                    + " ends at " + end);
        }
        if (offset <= log.logStartOffset()) {
            return log.logStartOffset();
        }
        log.logStartOffset(offset);
        checkpoints.logStartOffset(partition, offset);
        epochs.truncateFromStart(offset);
        deleteOldSegments(RetentionRules.belowLogStart(offset), "below log start offset");
        return offset;
    }

    /** The segments below the log start, then those {@code retention.ms} and {@code retention.bytes} let go; how many. */
    int enforceRetention(long nowMs) {
        int deleted = deleteOldSegments(RetentionRules.belowLogStart(log.logStartOffset()), "below log start offset");
        if (log.config().retentionMs() >= 0) {
            deleted += deleteOldSegments(RetentionRules.olderThan(nowMs, log.config().retentionMs()), "retention.ms");
        }
        if (log.config().retentionBytes() >= 0) {
            deleted += deleteOldSegments(RetentionRules.largerThan(segments.sizeInBytes(), log.config().retentionBytes()),
                    "retention.bytes");
        }
        return deleted;
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
            log.roll(log.logEndOffset());
        }
        long newStart = Math.max(log.logStartOffset(), segments.next(deletable.get(deletable.size() - 1)).baseOffset());
        boolean startMoved = newStart > log.logStartOffset();
        log.logStartOffset(newStart); // first, so readers of the doomed segments get "out of range"
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
    void retire(LogSegment segment) {
        segments.remove(segment);
        segment.renameForDeletion();
        deletes.later(log.config().fileDeleteDelayMs(), segment::delete);
    }
}

package dev.sluice.storage.file.log;

import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.file.segment.BatchHeaderReader;
import dev.sluice.storage.file.segment.LogSegment;

import java.nio.channels.ClosedChannelException;
import java.util.Optional;

/**
 * The read side of a {@link FileLog}: slices by offset, offsets by timestamp, the largest
 * timestamp. Lock-free: it reads the log end first and never looks past it, finds segments in the
 * concurrent {@link LogSegments}, and turns a segment closed under it (retention, truncation, close)
 * into "out of range" or "closed" rather than a disk failure.
 *
 * <p>Threads: any (request handlers, network threads for delayed fetches), concurrently with the writer.
 */
final class LogReads {
    private final FileLog log;
    private final TopicPartition partition;
    private final LogSegments segments;

    LogReads(FileLog log, TopicPartition partition, LogSegments segments) {
        this.log = log;
        this.partition = partition;
        this.segments = segments;
    }

    LogSlice read(long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
        }
        long end = log.logEndOffset();
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

    Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        BatchHeaderReader reader = new BatchHeaderReader();
        long start = log.logStartOffset();
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

    Optional<TimestampOffset> maxTimestamp() {
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

    private void checkInRange(long offset, long end) {
        long start = log.logStartOffset();
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
            if (log.isClosed()) {
                return new LogClosedException("log " + partition + " was closed during the read", e);
            }
            long start = log.logStartOffset();
            if (offset < start) {
                return new OffsetOutOfRangeException("offset " + offset + " was deleted during the read; the log of "
                        + partition + " now starts at " + start);
            }
        }
        return new StorageException("read of " + partition + " at offset " + offset + " failed", e);
    }
}

package dev.sluice.storage.file.segment;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TimestampOffset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One segment of a partition log: a file of whole record batches whose offsets start at
 * {@link #baseOffset()}, with its sparse {@link OffsetIndex} and {@link TimeIndex}, and the
 * {@link TransactionIndex} of the transactions its markers aborted.
 *
 * <p>Only the log's single writer appends, truncates, recovers or closes a segment; readers may
 * call the lookup and read methods at the same time. The writer publishes a batch to readers by
 * bumping the volatile {@link #size()} after the bytes and index entries are in place.
 */
public final class LogSegment implements AutoCloseable {
    static final System.Logger LOG = System.getLogger(LogSegment.class.getName());
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final long baseOffset;
    /** The log file, its channel parked and reopened as needed. */
    private final SegmentFile file;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final boolean indexFilesExisted;
    private final BatchHeaderReader writerHeader = new BatchHeaderReader();

    private volatile int size;
    /** Largest batch max-timestamp and the base offset of the batch carrying it; null before the first batch. */
    private volatile TimestampOffset maxTimestampSoFar;
    private int bytesSinceLastIndexEntry;
    private long createdMs;
    /** Max timestamp of the first batch: what segment.ms measures a segment's age from. */
    private long rollingBasedTimestamp = UNKNOWN;

    private LogSegment(Path dir, long baseOffset, int maxIndexBytes, long nowMs, String suffix) throws IOException {
        this.baseOffset = baseOffset;
        this.file = new SegmentFile(dir.resolve(SegmentFiles.logFile(dir, baseOffset).getFileName() + suffix));
        Path offsetIndexFile = dir.resolve(SegmentFiles.offsetIndexFile(dir, baseOffset).getFileName() + suffix);
        Path timeIndexFile = dir.resolve(SegmentFiles.timeIndexFile(dir, baseOffset).getFileName() + suffix);
        this.indexFilesExisted = Files.exists(offsetIndexFile) && Files.exists(timeIndexFile);
        try {
            long length = file.channel().size();
            if (length > Integer.MAX_VALUE) {
                throw new IOException(file.path() + " is larger than a segment can be: " + length + " bytes");
            }
            this.size = (int) length;
            this.offsetIndex = new OffsetIndex(offsetIndexFile, baseOffset, maxIndexBytes);
            this.timeIndex = new TimeIndex(timeIndexFile, baseOffset, maxIndexBytes);
            this.txnIndex = new TransactionIndex(dir.resolve(SegmentFiles.txnIndexFile(dir, baseOffset).getFileName() + suffix));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        this.createdMs = nowMs;
    }

    /** Opens the segment starting at {@code baseOffset} in {@code dir}, creating empty files if there are none. */
    public static LogSegment open(Path dir, long baseOffset, int maxIndexBytes, long nowMs) {
        return open(dir, baseOffset, maxIndexBytes, nowMs, "");
    }

    /**
     * Opens (creating) a segment whose file names carry {@code suffix} after the usual ones: a
     * cleaned segment being written ({@link SegmentFiles#CLEANED_SUFFIX}) or swapped in.
     */
    public static LogSegment open(Path dir, long baseOffset, int maxIndexBytes, long nowMs, String suffix) {
        try {
            return new LogSegment(dir, baseOffset, maxIndexBytes, nowMs, suffix);
        } catch (IOException e) {
            throw new StorageException("cannot open segment " + baseOffset + " in " + dir, e);
        }
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes of whole batches readers may see. */
    public int size() {
        return size;
    }

    public Path logFile() {
        return file.path();
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /** The transactions aborted by markers in this segment. */
    public TransactionIndex txnIndex() {
        return txnIndex;
    }

    // ---------------------------------------------------------------- writing (single writer)

    /**
     * Appends {@code batches} (position to limit: validated whole batches whose offsets are set)
     * in one write, then indexes them from their {@code facts} (no header is read again).
     */
    public void append(ByteBuffer batches, BatchFacts facts, int indexIntervalBytes) {
        int start = size;
        if ((long) start + batches.remaining() > Integer.MAX_VALUE) {
            throw new IllegalStateException("segment " + file.path() + " cannot grow past 2 GiB");
        }
        writeFully(batches.duplicate(), start);
        indexBatches(facts, start, indexIntervalBytes);
    }

    /**
     * Adds index entries for the batches {@code facts} describe, stored from file {@code position}
     * on, and publishes them by moving {@link #size()} past them.
     */
    void indexBatches(BatchFacts facts, int position, int indexIntervalBytes) {
        TimestampOffset max = maxTimestampSoFar;
        long maxTimestamp = max == null ? Long.MIN_VALUE : max.timestamp();
        long offsetOfMax = max == null ? baseOffset : max.offset();
        boolean maxChanged = false;
        for (int i = 0; i < facts.count(); i++) {
            long batchMaxTimestamp = facts.maxTimestamp(i);
            if (batchMaxTimestamp > maxTimestamp) {
                maxTimestamp = batchMaxTimestamp;
                offsetOfMax = facts.baseOffset(i);
                maxChanged = true;
            }
            if (position == 0) {
                rollingBasedTimestamp = batchMaxTimestamp;
            }
            if (bytesSinceLastIndexEntry >= indexIntervalBytes && !offsetIndex.isFull()) {
                offsetIndex.append(facts.baseOffset(i), position);
                timeIndex.maybeAppend(maxTimestamp, offsetOfMax, false);
                bytesSinceLastIndexEntry = 0;
            }
            int batchSize = facts.size(i);
            position += batchSize;
            bytesSinceLastIndexEntry += batchSize;
        }
        if (maxChanged) {
            maxTimestampSoFar = new TimestampOffset(maxTimestamp, offsetOfMax);
        }
        size = position; // publishes the batches to readers
    }

    private void writeFully(ByteBuffer source, int position) {
        try {
            long at = position;
            while (source.hasRemaining()) {
                at += channel().write(source, at);
            }
        } catch (IOException e) {
            throw new StorageException("write to " + file.path() + " failed", e);
        }
    }

    /** True when an index has no room left: the segment must roll (as in Kafka). */
    public boolean indexesFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    /** True when {@code offset} can be stored relative to the base offset in an int. */
    public boolean canHoldOffset(long offset) {
        return offset >= baseOffset && offset - baseOffset <= Integer.MAX_VALUE;
    }

    /**
     * How long this segment has been open for segment.ms: measured from the first batch's
     * timestamp to {@code incomingTimestamp} when the first batch has one, else by the clock since
     * the segment was created (Kafka's rule).
     */
    public long timeWaitedForRoll(long nowMs, long incomingTimestamp) {
        if (rollingBasedTimestamp == UNKNOWN && size > 0) {
            rollingBasedTimestamp = readFirstBatchMaxTimestamp();
        }
        if (rollingBasedTimestamp != UNKNOWN && rollingBasedTimestamp >= 0) {
            return incomingTimestamp - rollingBasedTimestamp;
        }
        return nowMs - createdMs;
    }

    private long readFirstBatchMaxTimestamp() {
        try {
            return writerHeader.readAt(channel(), 0, size) ? writerHeader.batch().maxTimestamp() : UNKNOWN;
        } catch (IOException e) {
            throw new StorageException("cannot read " + file.path(), e);
        }
    }

    /** The segment stops being the active one: record the final max timestamp and give back the preallocated index space. */
    public void onBecomeInactive() {
        TimestampOffset max = maxTimestampSoFar;
        if (max != null) {
            timeIndex.maybeAppend(max.timestamp(), max.offset(), true);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Makes room for appends again (a segment that becomes active after load or truncation). */
    public void resizeIndexes(int maxIndexBytes) {
        offsetIndex.resize(maxIndexBytes);
        timeIndex.resize(maxIndexBytes);
    }

    /**
     * Removes the batch containing {@code offset} and everything after it.
     *
     * @return the number of bytes removed
     */
    public int truncateTo(long offset, long nowMs) {
        int position = positionOf(offset, writerHeader);
        if (position < 0) {
            return 0;
        }
        int removed = size - position;
        long cut = writerHeader.batch().baseOffset(); // the whole batch holding offset goes
        offsetIndex.truncateTo(cut);
        timeIndex.truncateTo(cut);
        txnIndex.truncateTo(cut);
        size = position;
        try {
            channel().truncate(position);
        } catch (IOException e) {
            throw new StorageException("cannot truncate " + file.path(), e);
        }
        bytesSinceLastIndexEntry = 0;
        if (position == 0) {
            createdMs = nowMs;
            rollingBasedTimestamp = UNKNOWN;
        }
        loadMaxTimestamp(true);
        return removed;
    }

    /**
     * Loads the largest timestamp from the time index. With {@code scanTail} also reads the batch
     * headers after the last entry, for a segment whose final entry may be missing (the active one).
     */
    public void loadMaxTimestamp(boolean scanTail) {
        TimestampOffset last = timeIndex.lastEntry();
        if (!scanTail || size == 0) {
            maxTimestampSoFar = last;
            return;
        }
        long maxTimestamp = last == null ? Long.MIN_VALUE : last.timestamp();
        long offsetOfMax = last == null ? baseOffset : last.offset();
        int position = last == null ? 0 : positionOf(last.offset(), writerHeader);
        try {
            int end = size;
            while (position >= 0 && writerHeader.readAt(channel(), position, end)) {
                RecordBatch header = writerHeader.batch();
                if (header.maxTimestamp() > maxTimestamp) {
                    maxTimestamp = header.maxTimestamp();
                    offsetOfMax = header.baseOffset();
                }
                position += header.sizeInBytes();
            }
        } catch (IOException e) {
            throw new StorageException("cannot read " + file.path(), e);
        }
        maxTimestampSoFar = maxTimestamp == Long.MIN_VALUE ? null : new TimestampOffset(maxTimestamp, offsetOfMax);
    }

    // ---------------------------------------------------------------- for SegmentRecovery

    /** The channel, opened again if the segment was parked; ClosedChannelException once closed for good. */
    FileChannel channel() throws IOException {
        return file.channel();
    }

    /**
     * Closes the channel of a segment that is no longer appended to; the next read opens it again.
     * Only while no reader can hold a slice of it: the log calls it for old segments when loading.
     */
    public void park() {
        file.park();
    }

    BatchHeaderReader writerHeader() {
        return writerHeader;
    }

    boolean indexFilesExisted() {
        return indexFilesExisted;
    }

    /** Forgets the indexes and timestamps and hides every batch, before recovery re-adds the valid ones. */
    void resetForRecovery() {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestampSoFar = null;
        bytesSinceLastIndexEntry = 0;
        rollingBasedTimestamp = UNKNOWN;
        size = 0;
    }

    void readFully(ByteBuffer buffer, int position) throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            if (channel().read(buffer, position + buffer.position() - start) < 0) {
                throw new IOException(file.path() + " ended inside a batch at position " + position);
            }
        }
    }

    // ---------------------------------------------------------------- reading (any thread)

    /**
     * Position of the first batch whose last offset is {@code >= offset}, or -1 if the segment has
     * none. Scans batch headers from the nearest offset index entry.
     */
    public int positionOf(long offset, BatchHeaderReader reader) {
        int end = size;
        int position = offsetIndex.lookupPosition(offset);
        try {
            while (reader.readAt(channel(), position, end)) {
                if (reader.batch().lastOffset() >= offset) {
                    return position;
                }
                position += reader.batch().sizeInBytes();
            }
            return -1;
        } catch (IOException e) {
            throw new StorageException("cannot read " + file.path(), e);
        }
    }

    /**
     * Whole batches from {@code position}: those whose last offset is below {@code maxOffset},
     * within {@code maxBytes}, or just the first if it alone is too big and {@code minOneBatch}.
     */
    public LogSlice read(int position, long maxOffset, int maxBytes, boolean minOneBatch, BatchHeaderReader reader) {
        int end = size;
        // whole batches up to the last index entry in range need no header reads (sequential fetches)
        int skipTo = offsetIndex.lastPositionWithin(position, (int) Math.min((long) position + maxBytes, end), maxOffset);
        int total = skipTo > position ? skipTo - position : 0;
        try {
            while (reader.readAt(channel(), position + total, end)) {
                RecordBatch header = reader.batch();
                if (header.lastOffset() >= maxOffset) {
                    break;
                }
                int batchSize = header.sizeInBytes();
                if ((long) total + batchSize > maxBytes) {
                    if (total == 0 && minOneBatch) {
                        total = batchSize;
                    }
                    break;
                }
                total += batchSize;
            }
        } catch (IOException e) {
            throw new StorageException("cannot read " + file.path(), e);
        }
        if (total == 0) {
            return LogSlice.EMPTY;
        }
        try {
            return new FileSlice(channel(), file.path().getFileName().toString(), position, total);
        } catch (IOException e) {
            throw new StorageException("cannot read " + file.path(), e);
        }
    }

    /** Largest timestamp in this segment and the base offset of its batch; null if the segment is empty. */
    public TimestampOffset maxTimestampSoFar() {
        return maxTimestampSoFar;
    }

    /** The timestamp time retention compares: the largest record timestamp, or the file's mtime if none has one. */
    public long largestTimestampForRetention() {
        TimestampOffset max = maxTimestampSoFar;
        if (max != null && max.timestamp() >= 0) {
            return max.timestamp();
        }
        try {
            return Files.getLastModifiedTime(file.path()).toMillis();
        } catch (IOException e) {
            throw new StorageException("cannot stat " + file.path(), e);
        }
    }

    /**
     * The first record at or after {@code startingOffset} whose timestamp is {@code >= timestamp}:
     * time index, then batch headers, then the records of the one batch that must hold it.
     */
    public Optional<TimestampOffset> findOffsetByTimestamp(long timestamp, long startingOffset, BatchHeaderReader reader) {
        long fromOffset = Math.max(timeIndex.lookup(timestamp), startingOffset);
        int position = offsetIndex.lookupPosition(fromOffset);
        int end = size;
        try {
            while (reader.readAt(channel(), position, end)) {
                RecordBatch header = reader.batch();
                if (header.maxTimestamp() >= timestamp && header.lastOffset() >= startingOffset) {
                    for (Record record : RecordBatches.records(readBatch(position, header.sizeInBytes()), CompressionCodecs.installed())) {
                        if (record.timestamp() >= timestamp && record.offset() >= startingOffset) {
                            return Optional.of(new TimestampOffset(record.timestamp(), record.offset()));
                        }
                    }
                }
                position += header.sizeInBytes();
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read " + file.path(), e);
        }
    }

    /** The exact record carrying {@link #maxTimestampSoFar()}: the first in its batch with that timestamp. */
    public Optional<TimestampOffset> maxTimestampRecord(BatchHeaderReader reader) {
        TimestampOffset max = maxTimestampSoFar;
        if (max == null) {
            return Optional.empty();
        }
        return findOffsetByTimestamp(max.timestamp(), max.offset(), reader)
                .or(() -> Optional.of(max)); // a batch without records (control batch) still carries its offset
    }

    private RecordBatch readBatch(int position, int batchSize) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(batchSize);
        readFully(buffer, position);
        return new RecordBatch(buffer.flip(), 0);
    }

    // ---------------------------------------------------------------- lifecycle

    public void flush() {
        try {
            file.force();
        } catch (IOException e) {
            throw new StorageException("fsync of " + file.path() + " failed", e);
        }
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    @Override
    public void close() {
        try {
            onBecomeInactive();
        } finally {
            try {
                file.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + file.path() + " failed", e);
            }
        }
    }

    /** Closes the channel only, touching no file: for a segment whose directory was renamed away. */
    public void release() {
        try {
            file.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + file.path() + " failed", e);
        }
    }

    /**
     * Renames the files to {@code <name>.deleted} (the log first: a crash then leaves indexes
     * without a log, which loading removes), keeping the channel open so slices already read
     * from it stay sendable until {@link #delete()}. The name is free for a new segment at once.
     */
    public void renameForDeletion() {
        file.renameTo(SegmentFiles.deletedName(file.path()));
        offsetIndex.renameTo(SegmentFiles.deletedName(offsetIndex.file()));
        timeIndex.renameTo(SegmentFiles.deletedName(timeIndex.file()));
        txnIndex.renameTo(SegmentFiles.deletedName(txnIndex.file()));
    }

    /**
     * Renames the files so their names end in {@code suffix} after the usual names ("" for the
     * usual names): the log file last when adding a suffix, first when removing one, so a crash
     * in between leaves stray indexes, which start-up removes and rebuilds.
     */
    public void renameWithSuffix(String suffix) {
        Path dir = file.path().getParent();
        Path log = dir.resolve(SegmentFiles.logFile(dir, baseOffset).getFileName() + suffix);
        Path offsets = dir.resolve(SegmentFiles.offsetIndexFile(dir, baseOffset).getFileName() + suffix);
        Path times = dir.resolve(SegmentFiles.timeIndexFile(dir, baseOffset).getFileName() + suffix);
        Path txns = dir.resolve(SegmentFiles.txnIndexFile(dir, baseOffset).getFileName() + suffix);
        if (suffix.isEmpty()) {
            file.renameTo(log);
        }
        offsetIndex.renameTo(offsets);
        timeIndex.renameTo(times);
        txnIndex.renameTo(txns);
        if (!suffix.isEmpty()) {
            file.renameTo(log);
        }
    }

    /** Closes and removes the segment's files: the log first, so a crash leaves orphan indexes, never an unindexed log. */
    public void delete() {
        try {
            file.delete();
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file.path(), e);
        }
        offsetIndex.delete();
        timeIndex.delete();
        txnIndex.delete();
    }

    @Override
    public String toString() {
        return "LogSegment(" + file.path().getFileName() + ", size=" + size + ")";
    }
}

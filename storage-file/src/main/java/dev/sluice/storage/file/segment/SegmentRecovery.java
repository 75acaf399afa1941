package dev.sluice.storage.file.segment;

import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;

/**
 * Checks a segment found on disk: whether its indexes can be trusted, where its data ends, and
 * (after an unclean shutdown) re-validating it batch by batch, cutting off a torn or corrupt tail
 * and rebuilding its indexes.
 */
public final class SegmentRecovery {
    private SegmentRecovery() {
    }

    /** Outcome of {@link #recover}: the offset after the last valid batch and the bytes cut off. */
    public record Result(long nextOffset, int truncatedBytes) {
    }

    /**
     * Sanity check of the indexes on open: both files present, whole entries, and the last offset
     * index entry pointing at a batch that starts with that offset.
     */
    public static boolean indexesLookValid(LogSegment segment) {
        int size = segment.size();
        if (!segment.indexFilesExisted() && size > 0) {
            return false;
        }
        OffsetIndex offsetIndex = segment.offsetIndex();
        if (!offsetIndex.looksValid(size) || !segment.timeIndex().looksValid(Long.MAX_VALUE)) {
            return false;
        }
        if (offsetIndex.isEmpty()) {
            return true;
        }
        BatchHeaderReader header = segment.writerHeader();
        try {
            return header.readAt(segment.channel(), offsetIndex.lastPosition(), size)
                    && header.batch().baseOffset() == offsetIndex.lastOffset();
        } catch (IOException e) {
            throw new StorageException("cannot read " + segment.logFile(), e);
        }
    }

    /**
     * The offset after the segment's last batch, found by scanning headers from the last offset
     * index entry; -1 if the file ends in a partial batch (then the segment needs {@link #recover}).
     */
    public static long readNextOffset(LogSegment segment) {
        BatchHeaderReader header = segment.writerHeader();
        long next = segment.baseOffset();
        int position = segment.offsetIndex().lastPosition();
        int end = segment.size();
        try {
            while (header.readAt(segment.channel(), position, end)) {
                next = header.batch().nextOffset();
                position += header.batch().sizeInBytes();
            }
            return position == end ? next : -1;
        } catch (IOException e) {
            throw new StorageException("cannot read " + segment.logFile(), e);
        }
    }

    /**
     * Re-validates every batch (size, magic, CRC, increasing offsets inside the segment), rebuilds
     * both indexes and truncates the file at the first batch that is torn or corrupt.
     *
     * @param onValidBatch called for each valid batch, in order (e.g. to rebuild the leader-epoch history)
     */
    public static Result recover(LogSegment segment, int indexIntervalBytes, Consumer<RecordBatch> onValidBatch) {
        segment.resetForRecovery();
        BatchHeaderReader header = segment.writerHeader();
        RecordBatch batch = new RecordBatch();
        BatchFacts facts = new BatchFacts();
        ByteBuffer buffer = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
        int position = 0;
        long nextOffset = segment.baseOffset();
        String problem = null;
        try {
            FileChannel channel = segment.channel();
            long fileSize = channel.size();
            int end = (int) Math.min(fileSize, Integer.MAX_VALUE);
            while (position < end) {
                if (!header.readAt(channel, position, end)) {
                    problem = "torn batch (incomplete header, or a length running past the end of the file)";
                    break;
                }
                int batchSize = header.batch().sizeInBytes(); // bounded by the file size: checked by readAt
                if (buffer.capacity() < batchSize) {
                    buffer = ByteBuffer.allocate(Math.max(batchSize, Math.min(end, buffer.capacity() * 2)));
                }
                buffer.clear().limit(batchSize);
                segment.readFully(buffer, position);
                buffer.flip();
                batch.wrap(buffer, 0);
                try {
                    batch.validate(batchSize);
                } catch (InvalidRecordException e) {
                    problem = e.getMessage();
                    break;
                }
                if (batch.baseOffset() < nextOffset || !segment.canHoldOffset(batch.lastOffset())) {
                    problem = "batch offset " + batch.baseOffset() + " does not follow " + (nextOffset - 1);
                    break;
                }
                nextOffset = batch.nextOffset();
                onValidBatch.accept(batch);
                facts.clear().add(batch);
                segment.indexBatches(facts, position, indexIntervalBytes);
                position += batchSize;
            }
            int truncated = (int) Math.min(Integer.MAX_VALUE, fileSize - position);
            if (truncated > 0) {
                LogSegment.LOG.log(System.Logger.Level.WARNING, "{0}: truncating {1} bytes at position {2}: {3}",
                        segment.logFile(), truncated, position, problem);
                channel.truncate(position);
            }
            return new Result(nextOffset, truncated);
        } catch (IOException e) {
            throw new StorageException("cannot recover " + segment.logFile(), e);
        }
    }
}

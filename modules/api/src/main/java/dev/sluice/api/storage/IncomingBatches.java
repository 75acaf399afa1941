package dev.sluice.api.storage;

import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The first step of every {@link LogStorage#append}: checks all batches of one append before
 * anything is written, assigns their offsets (or checks the ones they carry), and sums up what
 * will be written. Shared by the storage backends so they agree on what is valid; owned by a
 * log's single writer and reused, so appending allocates nothing per batch.
 */
public final class IncomingBatches {
    private final RecordBatch batch = new RecordBatch();

    private long firstOffset;
    private long lastOffset;
    private long maxTimestamp;
    private long offsetOfMaxTimestamp;
    private long firstBatchMaxTimestamp;
    private int batches;
    private int bytes;
    private long records;

    /**
     * Validates every batch of {@code input} (position to limit), then either rewrites base
     * offsets from {@code logEndOffset} ({@code assignOffsets}) or checks the offsets they carry
     * start at or after it and increase.
     *
     * @param maxBytes largest append accepted (a backend's segment size)
     * @throws InvalidRecordException if any batch is malformed; the input is then unchanged
     * @throws IllegalArgumentException if offsets are to be assigned but the buffer is read-only
     */
    public void prepare(ByteBuffer input, long logEndOffset, boolean assignOffsets, int maxBytes) {
        Objects.requireNonNull(input, "batches");
        if (assignOffsets && input.isReadOnly()) {
            throw new IllegalArgumentException("append rewrites base offsets in place: the buffer must be writable");
        }
        int size = input.remaining();
        if (size > maxBytes) {
            throw new InvalidRecordException(InvalidRecordException.Reason.TOO_LARGE,
                    "append of " + size + " bytes is larger than segment.bytes " + maxBytes);
        }
        long expectedOffset = logEndOffset;
        int count = 0;
        for (int at = input.position(); at < input.limit(); at += batch.sizeInBytes()) {
            batch.wrap(input, at);
            batch.validate(input.limit() - at);
            if (!assignOffsets) {
                if (batch.baseOffset() < expectedOffset) {
                    throw new InvalidRecordException(InvalidRecordException.Reason.INVALID, "batch base offset "
                            + batch.baseOffset() + " is below " + expectedOffset + (count == 0 ? " (the log end)" : " (offsets must increase)"));
                }
                expectedOffset = batch.nextOffset();
            }
            count++;
        }
        if (count == 0) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "no record batch to append");
        }
        summarise(input, logEndOffset, assignOffsets, count, size);
    }

    private void summarise(ByteBuffer input, long nextOffset, boolean assignOffsets, int count, int size) {
        batches = count;
        bytes = size;
        records = 0;
        maxTimestamp = Long.MIN_VALUE;
        for (int at = input.position(); at < input.limit(); at += batch.sizeInBytes()) {
            batch.wrap(input, at);
            if (assignOffsets) {
                batch.baseOffset(nextOffset);
            }
            if (at == input.position()) {
                firstOffset = batch.baseOffset();
                firstBatchMaxTimestamp = batch.maxTimestamp();
            }
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.baseOffset();
            }
            records += batch.lastOffsetDelta() + 1L;
            lastOffset = batch.lastOffset();
            nextOffset = batch.nextOffset();
        }
    }

    /** The flyweight, for walking the input again. */
    public RecordBatch batch() {
        return batch;
    }

    public long firstOffset() {
        return firstOffset;
    }

    public long lastOffset() {
        return lastOffset;
    }

    public long maxTimestamp() {
        return maxTimestamp;
    }

    public long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    /** Max timestamp of the first batch: what decides time-based rolling, as in Kafka. */
    public long firstBatchMaxTimestamp() {
        return firstBatchMaxTimestamp;
    }

    public int batches() {
        return batches;
    }

    public int bytes() {
        return bytes;
    }

    public long records() {
        return records;
    }

    /** What the append wrote, once it is written. */
    public AppendResult result() {
        return new AppendResult(firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, batches, bytes);
    }
}

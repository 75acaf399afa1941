package dev.sluice.storage.lmdb.log;

import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;

import java.nio.ByteBuffer;

/**
 * Validates the batches of one append before anything is written, assigns their offsets and
 * sums up what will be written. Owned by the log's single writer and reused, so appending
 * allocates nothing per batch.
 */
final class IncomingBatches {
    private final RecordBatch batch = new RecordBatch();

    long firstOffset;
    long lastOffset;
    long maxTimestamp;
    long offsetOfMaxTimestamp;
    int batches;
    int bytes;
    long records;

    RecordBatch batch() {
        return batch;
    }

    /**
     * Checks every batch of {@code input} (position to limit), then rewrites base offsets from
     * {@code logEndOffset} ({@code assignOffsets}) or checks the offsets they carry start at or
     * after it and increase.
     *
     * @throws InvalidRecordException if any batch is malformed; the input is then unchanged
     */
    void prepare(ByteBuffer input, long logEndOffset, boolean assignOffsets, int maxBytes) {
        int size = input.remaining();
        if (size > maxBytes) {
            throw new InvalidRecordException(InvalidRecordException.Reason.TOO_LARGE,
                    "append of " + size + " bytes is larger than segment.bytes " + maxBytes);
        }
        long expected = logEndOffset;
        int count = 0;
        for (int at = input.position(); at < input.limit(); at += batch.sizeInBytes()) {
            batch.wrap(input, at);
            batch.validate(input.limit() - at);
            if (!assignOffsets) {
                if (batch.baseOffset() < expected) {
                    throw new InvalidRecordException(InvalidRecordException.Reason.INVALID, "batch base offset "
                            + batch.baseOffset() + " is below " + expected + (count == 0 ? " (the log end)" : " (offsets must increase)"));
                }
                expected = batch.nextOffset();
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
}

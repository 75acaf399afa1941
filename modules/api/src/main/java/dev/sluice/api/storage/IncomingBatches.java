package dev.sluice.api.storage;

import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The first step of every {@link LogStorage#append}: checks all batches of one append before
 * anything is written, assigns their offsets (or checks the ones they carry), and sums up what
 * will be written, keeping each batch's {@link BatchFacts} for the write and the index update. Shared by the storage backends so they agree on what is valid; owned by a
 * log's single writer and reused, so appending allocates nothing per batch.
 */
public final class IncomingBatches {
    private final RecordBatch batch = new RecordBatch();
    private final BatchFacts own = new BatchFacts();
    private BatchFacts facts = own;

    private long firstOffset;
    private long lastOffset;
    private long maxTimestamp;
    private long offsetOfMaxTimestamp;
    private long firstBatchMaxTimestamp;

    /**
     * Validates every batch of {@code input} (position to limit) in one walk that also collects
     * their {@link #facts()}, then either rewrites base offsets from {@code logEndOffset}
     * ({@code assignOffsets}) or checks the offsets they carry start at or after it and increase.
     *
     * @param maxBytes largest append accepted (a backend's segment size)
     * @throws InvalidRecordException if any batch is malformed; the input is then unchanged
     * @throws IllegalArgumentException if offsets are to be assigned but the buffer is read-only
     */
    public void prepare(ByteBuffer input, long logEndOffset, boolean assignOffsets, int maxBytes) {
        checkInput(input, assignOffsets, maxBytes);
        own.collectValidated(input, batch);
        if (!assignOffsets) {
            checkCarriedOffsets(own, logEndOffset);
        }
        apply(input, own, logEndOffset, assignOffsets);
    }

    /**
     * Like {@link #prepare(ByteBuffer, long, boolean, int)} with offsets assigned, for batches whose
     * headers the caller already walked and structurally validated into {@code facts}: nothing
     * is read again but the CRC, and that only if {@code facts} do not say it was verified.
     *
     * @throws InvalidRecordException if a CRC does not match or the append is too large; the input is then unchanged
     * @throws IllegalArgumentException if the facts do not describe the whole input, or the buffer is read-only
     */
    public void prepare(ByteBuffer input, BatchFacts facts, long logEndOffset, int maxBytes) {
        prepare(input, facts, logEndOffset, true, maxBytes);
    }

    /**
     * As {@link #prepare(ByteBuffer, BatchFacts, long, int)}; without {@code assignOffsets} the
     * offsets the batches carry (and {@code facts} recorded) must start at or after the log end and increase.
     */
    public void prepare(ByteBuffer input, BatchFacts facts, long logEndOffset, boolean assignOffsets, int maxBytes) {
        checkInput(input, assignOffsets, maxBytes);
        Objects.requireNonNull(facts, "facts");
        if (facts.count() > 0 && (facts.bytes() != input.remaining() || facts.position(0) != input.position())) {
            throw new IllegalArgumentException("batch facts cover " + facts.bytes() + " bytes from " + facts.position(0)
                    + ", the input " + input.remaining() + " from " + input.position());
        }
        if (!facts.crcVerified()) {
            for (int i = 0; i < facts.count(); i++) {
                batch.wrap(input, facts.position(i)).verifyCrc();
            }
        }
        if (!assignOffsets) {
            checkCarriedOffsets(facts, logEndOffset);
        }
        apply(input, facts, logEndOffset, assignOffsets);
    }

    private static void checkCarriedOffsets(BatchFacts facts, long logEndOffset) {
        long expectedOffset = logEndOffset;
        for (int i = 0; i < facts.count(); i++) {
            if (facts.baseOffset(i) < expectedOffset) {
                throw new InvalidRecordException(InvalidRecordException.Reason.INVALID, "batch base offset "
                        + facts.baseOffset(i) + " is below " + expectedOffset + (i == 0 ? " (the log end)" : " (offsets must increase)"));
            }
            expectedOffset = facts.lastOffset(i) + 1;
        }
    }

    private static void checkInput(ByteBuffer input, boolean assignOffsets, int maxBytes) {
        Objects.requireNonNull(input, "batches");
        if (assignOffsets && input.isReadOnly()) {
            throw new IllegalArgumentException("append rewrites base offsets in place: the buffer must be writable");
        }
        int size = input.remaining();
        if (size > maxBytes) {
            throw new InvalidRecordException(InvalidRecordException.Reason.TOO_LARGE,
                    "append of " + size + " bytes is larger than segment.bytes " + maxBytes);
        }
    }

    /** Assigns offsets (in the headers and the facts) and sums up, reading only the facts. */
    private void apply(ByteBuffer input, BatchFacts batches, long nextOffset, boolean assignOffsets) {
        if (batches.count() == 0) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "no record batch to append");
        }
        facts = batches;
        maxTimestamp = Long.MIN_VALUE;
        for (int i = 0; i < batches.count(); i++) {
            if (assignOffsets) {
                input.putLong(batches.position(i) + RecordBatch.BASE_OFFSET_OFFSET, nextOffset);
                batches.baseOffset(i, nextOffset);
            }
            if (batches.maxTimestamp(i) > maxTimestamp) {
                maxTimestamp = batches.maxTimestamp(i);
                offsetOfMaxTimestamp = batches.baseOffset(i);
            }
            nextOffset = batches.lastOffset(i) + 1;
        }
        firstOffset = batches.baseOffset(0);
        firstBatchMaxTimestamp = batches.maxTimestamp(0);
        lastOffset = batches.lastOffset(batches.count() - 1);
    }

    /** Per-batch facts of the prepared append (offsets assigned): what backends write and index from. */
    public BatchFacts facts() {
        return facts;
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
        return facts.count();
    }

    public int bytes() {
        return facts.bytes();
    }

    public long records() {
        return facts.records();
    }

    /** What the append wrote, once it is written. */
    public AppendResult result() {
        return result(false);
    }

    /** What the append wrote, once it is written, saying whether it started a new segment. */
    public AppendResult result(boolean rolledSegment) {
        return new AppendResult(firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, facts.count(), facts.bytes(),
                rolledSegment);
    }
}

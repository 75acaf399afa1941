package dev.sluice.api.storage;

/**
 * What an append wrote.
 *
 * @param firstOffset            offset of the first record appended
 * @param lastOffset             offset of the last record appended
 * @param maxTimestamp           largest batch max-timestamp among the appended batches
 * @param offsetOfMaxTimestamp   offset of the batch that carries {@code maxTimestamp}
 * @param batches                number of batches written
 * @param bytes                  bytes written
 * @param rolledSegment          the append started a new segment at {@code firstOffset} (the broker
 *                               snapshots its producer state there, as Kafka does at a roll)
 */
public record AppendResult(long firstOffset, long lastOffset, long maxTimestamp, long offsetOfMaxTimestamp,
                           int batches, int bytes, boolean rolledSegment) {

    /** An append that did not roll a segment (backends without segments). */
    public AppendResult(long firstOffset, long lastOffset, long maxTimestamp, long offsetOfMaxTimestamp, int batches, int bytes) {
        this(firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, batches, bytes, false);
    }
}

package dev.sluice.api.record;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What one walk over the batch headers of an append learned, so the later steps (producer
 * sequence check, leader-epoch stamping, the storage append and its index update) read these
 * arrays instead of walking the headers again (Kafka's LogAppendInfo, as a reusable structure).
 *
 * <p>Struct of arrays, one slot per batch, grown only when an append has more batches than any
 * before: after warm-up a walk allocates nothing. Owned by one writer (a partition's append
 * lock or a log's single writer); not thread-safe. Positions are absolute indexes into the
 * buffer the facts were collected from, which must not change until the append is done.
 */
public final class BatchFacts {
    private static final int INITIAL_CAPACITY = 4;

    private int count;
    private int totalBytes;
    private long totalRecords;
    private boolean crcVerified;
    private int[] position = new int[INITIAL_CAPACITY];
    private int[] size = new int[INITIAL_CAPACITY];
    private int[] lastOffsetDelta = new int[INITIAL_CAPACITY];
    private int[] leaderEpoch = new int[INITIAL_CAPACITY];
    private long[] baseOffset = new long[INITIAL_CAPACITY];
    private long[] maxTimestamp = new long[INITIAL_CAPACITY];
    private long[] producerId = new long[INITIAL_CAPACITY];
    private short[] producerEpoch = new short[INITIAL_CAPACITY];
    private int[] baseSequence = new int[INITIAL_CAPACITY];
    private short[] attributes = new short[INITIAL_CAPACITY];
    /** For a control batch: {@link EndTxnMarker#typeOf} and the marker's coordinator epoch; else unused. */
    private int[] markerType = new int[INITIAL_CAPACITY];
    private int[] coordinatorEpoch = new int[INITIAL_CAPACITY];

    /** Forgets the previous append's batches (keeps the arrays). */
    public BatchFacts clear() {
        count = 0;
        totalBytes = 0;
        totalRecords = 0;
        crcVerified = false;
        return this;
    }

    /**
     * Reads the header of {@code batch} (already structurally validated) into the next slot.
     * The only header read of the append: everything later comes from here.
     */
    public void add(RecordBatch batch) {
        if (count == position.length) {
            grow();
        }
        int i = count++;
        position[i] = batch.offset();
        size[i] = batch.sizeInBytes();
        lastOffsetDelta[i] = batch.lastOffsetDelta();
        leaderEpoch[i] = batch.partitionLeaderEpoch();
        baseOffset[i] = batch.baseOffset();
        maxTimestamp[i] = batch.maxTimestamp();
        producerId[i] = batch.producerId();
        producerEpoch[i] = batch.producerEpoch();
        baseSequence[i] = batch.baseSequence();
        attributes[i] = batch.attributes();
        if (batch.isControl()) { // rare: only control batches have their one record read
            markerType[i] = EndTxnMarker.typeOf(batch);
            coordinatorEpoch[i] = EndTxnMarker.coordinatorEpochOf(batch);
        }
        totalBytes += size[i];
        totalRecords += lastOffsetDelta[i] + 1L;
    }

    private void grow() {
        int capacity = position.length * 2;
        position = Arrays.copyOf(position, capacity);
        size = Arrays.copyOf(size, capacity);
        lastOffsetDelta = Arrays.copyOf(lastOffsetDelta, capacity);
        leaderEpoch = Arrays.copyOf(leaderEpoch, capacity);
        baseOffset = Arrays.copyOf(baseOffset, capacity);
        maxTimestamp = Arrays.copyOf(maxTimestamp, capacity);
        producerId = Arrays.copyOf(producerId, capacity);
        producerEpoch = Arrays.copyOf(producerEpoch, capacity);
        baseSequence = Arrays.copyOf(baseSequence, capacity);
        attributes = Arrays.copyOf(attributes, capacity);
        markerType = Arrays.copyOf(markerType, capacity);
        coordinatorEpoch = Arrays.copyOf(coordinatorEpoch, capacity);
    }

    /**
     * Walks {@code buffer} (position to limit) once: every batch is fully validated
     * ({@link RecordBatch#validate}, CRC included) and its facts recorded.
     *
     * @throws InvalidRecordException if a batch is malformed
     */
    public BatchFacts collectValidated(ByteBuffer buffer, RecordBatch flyweight) {
        clear();
        for (int at = buffer.position(); at < buffer.limit(); at += flyweight.sizeInBytes()) {
            flyweight.wrap(buffer, at);
            flyweight.validate(buffer.limit() - at);
            add(flyweight);
        }
        crcVerified = true;
        return this;
    }

    /** Number of batches. */
    public int count() {
        return count;
    }

    /** Bytes of all batches. */
    public int bytes() {
        return totalBytes;
    }

    /** Offsets the batches span (sum of last offset delta + 1). */
    public long records() {
        return totalRecords;
    }

    /** True once every batch's CRC was checked (or rewritten) by whoever collected the facts. */
    public boolean crcVerified() {
        return crcVerified;
    }

    public void crcVerified(boolean verified) {
        this.crcVerified = verified;
    }

    public int position(int i) {
        return position[i];
    }

    public int size(int i) {
        return size[i];
    }

    public int lastOffsetDelta(int i) {
        return lastOffsetDelta[i];
    }

    public int leaderEpoch(int i) {
        return leaderEpoch[i];
    }

    /** Records the leader epoch stamped into batch {@code i}'s header. */
    public void leaderEpoch(int i, int epoch) {
        leaderEpoch[i] = epoch;
    }

    public long baseOffset(int i) {
        return baseOffset[i];
    }

    /** Records the base offset written into batch {@code i}'s header. */
    public void baseOffset(int i, long offset) {
        baseOffset[i] = offset;
    }

    public long lastOffset(int i) {
        return baseOffset[i] + lastOffsetDelta[i];
    }

    public long maxTimestamp(int i) {
        return maxTimestamp[i];
    }

    /** Records a max timestamp re-stamped into batch {@code i} (LogAppendTime). */
    public void maxTimestamp(int i, long timestamp) {
        maxTimestamp[i] = timestamp;
    }

    public long producerId(int i) {
        return producerId[i];
    }

    public short producerEpoch(int i) {
        return producerEpoch[i];
    }

    public int baseSequence(int i) {
        return baseSequence[i];
    }

    public boolean isTransactional(int i) {
        return (attributes[i] & RecordBatch.TRANSACTIONAL_MASK) != 0;
    }

    public boolean isControl(int i) {
        return (attributes[i] & RecordBatch.CONTROL_MASK) != 0;
    }

    /** For a control batch: {@link EndTxnMarker#COMMIT}, {@link EndTxnMarker#ABORT} or {@link EndTxnMarker#NOT_A_MARKER}. */
    public int markerType(int i) {
        return isControl(i) ? markerType[i] : EndTxnMarker.NOT_A_MARKER;
    }

    /** For a transaction marker: the coordinator epoch it carries. */
    public int coordinatorEpoch(int i) {
        return coordinatorEpoch[i];
    }

    /** Sequence of batch {@code i}'s last record, wrapping at Integer.MAX_VALUE as Kafka does. */
    public int lastSequence(int i) {
        int base = baseSequence[i];
        if (base == RecordBatch.NO_SEQUENCE) {
            return RecordBatch.NO_SEQUENCE;
        }
        long last = (long) base + lastOffsetDelta[i];
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }
}

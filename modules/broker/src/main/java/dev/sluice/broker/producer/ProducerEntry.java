package dev.sluice.broker.producer;

/**
 * State of one producer id on one partition: its epoch and its last few batches, the window a
 * retried batch is recognised in (kafka-clients keeps at most 5 in flight); for a transactional
 * producer also the first offset of its open transaction and the epoch of the coordinator that
 * wrote its last marker. The batches are a ring of {@value #RETAINED_BATCHES} slots in primitive
 * arrays, oldest first by index: recording one on every idempotent append allocates
 * nothing. Guarded by the partition's append lock.
 */
final class ProducerEntry {
    static final int RETAINED_BATCHES = 5;
    static final long NO_TXN = -1;

    private short epoch;
    private final int[] firstSequences = new int[RETAINED_BATCHES];
    private final int[] lastSequences = new int[RETAINED_BATCHES];
    private final long[] firstOffsets = new long[RETAINED_BATCHES];
    private final long[] lastOffsets = new long[RETAINED_BATCHES];
    private final long[] timestamps = new long[RETAINED_BATCHES];
    /** Slot of the oldest retained batch, and how many are retained. */
    private int oldest;
    private int count;
    private long lastUpdateMs;
    private long currentTxnFirstOffset = NO_TXN;
    private int coordinatorEpoch = -1;

    ProducerEntry(short epoch) {
        this.epoch = epoch;
    }

    short epoch() {
        return epoch;
    }

    long lastUpdateMs() {
        return lastUpdateMs;
    }

    /** Retained batches of the current epoch (at most {@value #RETAINED_BATCHES}). */
    int batchCount() {
        return count;
    }

    /** The ring slot of the {@code i}-th retained batch, oldest first. */
    private int batch(int i) {
        return (oldest + i) % RETAINED_BATCHES;
    }

    int firstSequence(int i) {
        return firstSequences[batch(i)];
    }

    int lastSequence(int i) {
        return lastSequences[batch(i)];
    }

    long firstOffset(int i) {
        return firstOffsets[batch(i)];
    }

    long lastOffset(int i) {
        return lastOffsets[batch(i)];
    }

    long timestamp(int i) {
        return timestamps[batch(i)];
    }

    /** Sequence of the last appended record, or -1 when nothing is known for this epoch. */
    int lastSequence() {
        return count == 0 ? -1 : lastSequence(count - 1);
    }

    /** Timestamp of the last appended batch, or -1. */
    long lastTimestamp() {
        return count == 0 ? -1 : timestamp(count - 1);
    }

    /** First offset of the open transaction, or {@link #NO_TXN}. */
    long currentTxnFirstOffset() {
        return currentTxnFirstOffset;
    }

    int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    /** The index of the retained batch with exactly these sequences (a retry of it), or -1. */
    int findDuplicate(int firstSequence, int lastSequence) {
        for (int i = 0; i < count; i++) {
            if (firstSequence(i) == firstSequence && lastSequence(i) == lastSequence) {
                return i;
            }
        }
        return -1;
    }

    /** An appended batch of {@code batchEpoch}: retained as the newest, the oldest dropped past the window. */
    void record(short batchEpoch, int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestamp,
                long nowMs) {
        updateEpoch(batchEpoch);
        int slot;
        if (count == RETAINED_BATCHES) {
            slot = oldest;
            oldest = (oldest + 1) % RETAINED_BATCHES;
        } else {
            slot = batch(count);
            count++;
        }
        firstSequences[slot] = firstSequence;
        lastSequences[slot] = lastSequence;
        firstOffsets[slot] = firstOffset;
        lastOffsets[slot] = lastOffset;
        timestamps[slot] = timestamp;
        lastUpdateMs = nowMs;
    }

    /** A transactional batch opened a transaction at {@code firstOffset}. */
    void beginTransaction(long firstOffset) {
        currentTxnFirstOffset = firstOffset;
    }

    /**
     * A marker ended the open transaction (if any), written by a coordinator in
     * {@code markerCoordinatorEpoch}; a marker of a newer producer epoch (an abort that fenced the
     * producer) starts that epoch with no batches, as Kafka's {@code maybeUpdateProducerEpoch}.
     */
    void endTransaction(short markerEpoch, int markerCoordinatorEpoch, long nowMs) {
        updateEpoch(markerEpoch);
        currentTxnFirstOffset = NO_TXN;
        coordinatorEpoch = markerCoordinatorEpoch;
        lastUpdateMs = nowMs;
    }

    /** Restores the transaction fields of a snapshot. */
    void restore(long txnFirstOffset, int coordinatorEpoch, long lastUpdateMs) {
        this.currentTxnFirstOffset = txnFirstOffset;
        this.coordinatorEpoch = coordinatorEpoch;
        this.lastUpdateMs = lastUpdateMs;
    }

    private void updateEpoch(short newEpoch) {
        if (newEpoch != epoch) {
            epoch = newEpoch;
            oldest = 0;
            count = 0;
        }
    }
}

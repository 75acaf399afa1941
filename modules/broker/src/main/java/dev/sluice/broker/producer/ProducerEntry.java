package dev.sluice.broker.producer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * State of one producer id on one partition: its epoch and its last few batches, the window a
 * retried batch is recognised in (kafka-clients keeps at most 5 in flight); for a transactional
 * producer also the first offset of its open transaction and the epoch of the coordinator that
 * wrote its last marker. Guarded by the partition's append lock.
 */
final class ProducerEntry {
    static final int RETAINED_BATCHES = 5;
    static final long NO_TXN = -1;

    private short epoch;
    private final Deque<ProducerBatch> batches = new ArrayDeque<>(RETAINED_BATCHES);
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

    Iterable<ProducerBatch> batches() {
        return batches;
    }

    int batchCount() {
        return batches.size();
    }

    /** Sequence of the last appended record, or -1 when nothing is known for this epoch. */
    int lastSequence() {
        ProducerBatch last = batches.peekLast();
        return last == null ? -1 : last.lastSequence();
    }

    /** Timestamp of the last appended batch, or -1. */
    long lastTimestamp() {
        ProducerBatch last = batches.peekLast();
        return last == null ? -1 : last.timestamp();
    }

    /** First offset of the open transaction, or {@link #NO_TXN}. */
    long currentTxnFirstOffset() {
        return currentTxnFirstOffset;
    }

    int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    ProducerBatch findDuplicate(int firstSequence, int lastSequence) {
        for (ProducerBatch batch : batches) {
            if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
                return batch;
            }
        }
        return null;
    }

    void record(short batchEpoch, ProducerBatch batch, long nowMs) {
        updateEpoch(batchEpoch);
        if (batches.size() == RETAINED_BATCHES) {
            batches.removeFirst();
        }
        batches.addLast(batch);
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
            batches.clear();
        }
    }
}

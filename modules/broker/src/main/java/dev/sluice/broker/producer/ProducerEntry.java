package dev.sluice.broker.producer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * State of one producer id on one partition: its epoch and its last few batches, the window a
 * retried batch is recognised in (kafka-clients keeps at most 5 in flight).
 */
final class ProducerEntry {
    static final int RETAINED_BATCHES = 5;

    private short epoch;
    private final Deque<ProducerBatch> batches = new ArrayDeque<>(RETAINED_BATCHES);
    private long lastUpdateMs;

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

    /** Sequence of the last appended record, or -1 when nothing is known for this epoch. */
    int lastSequence() {
        ProducerBatch last = batches.peekLast();
        return last == null ? -1 : last.lastSequence();
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
        if (batchEpoch != epoch) {
            epoch = batchEpoch;
            batches.clear();
        }
        if (batches.size() == RETAINED_BATCHES) {
            batches.removeFirst();
        }
        batches.addLast(batch);
        lastUpdateMs = nowMs;
    }
}

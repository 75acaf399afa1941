package dev.sluice.client.producer.internals;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.TopicPartition;

import java.util.HashMap;
import java.util.Map;

/**
 * The idempotent producer's bookkeeping (I/O thread only): its producer id and epoch, and per
 * partition the next sequence number, the last acknowledged one and the batches in flight.
 *
 * <p>Why retries keep order: a batch gets its sequence once, when first sent, and keeps it. A
 * failed batch goes back to the front of its partition's queue, and a partition with a batch
 * to resend sends nothing until its in-flight batches have all come back; then the resends go
 * out lowest sequence first, which is exactly the order the broker expects.
 */
final class IdempotenceState {
    private static final class PartitionState {
        int nextSequence;
        int lastAcked = -1;
        int inFlight;
    }

    private final boolean enabled;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short epoch = RecordBatch.NO_PRODUCER_EPOCH;
    private int totalInFlight;
    private boolean resetRequested;
    boolean initInFlight;
    long nextInitAttemptMs;

    IdempotenceState(boolean enabled) {
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    /** True when batches can be stamped: idempotence is off, or a producer id is known. */
    boolean ready() {
        if (enabled && resetRequested && totalInFlight == 0) {
            // a batch failed for good after getting a sequence: the gap would make every later
            // batch OUT_OF_ORDER, so start over with a fresh producer id and sequences from 0
            producerId = RecordBatch.NO_PRODUCER_ID;
            epoch = RecordBatch.NO_PRODUCER_EPOCH;
            partitions.clear();
            resetRequested = false;
        }
        return !enabled || producerId != RecordBatch.NO_PRODUCER_ID;
    }

    void producerId(long id, short producerEpoch) {
        producerId = id;
        epoch = producerEpoch;
    }

    /**
     * A transactional producer's new id or epoch (from its transaction manager): sequences start
     * again at 0, as the broker expects for a new epoch.
     */
    void restart(long id, short producerEpoch) {
        producerId = id;
        epoch = producerEpoch;
        partitions.clear();
        resetRequested = false;
    }

    long producerId() {
        return enabled ? producerId : RecordBatch.NO_PRODUCER_ID;
    }

    short epoch() {
        return enabled ? epoch : RecordBatch.NO_PRODUCER_EPOCH;
    }

    /** Reserves {@code count} sequence numbers for a batch being sent for the first time. */
    int assignSequence(TopicPartition tp, int count) {
        if (!enabled) {
            return RecordBatch.NO_SEQUENCE;
        }
        PartitionState s = state(tp);
        int sequence = s.nextSequence;
        s.nextSequence = (int) (((long) sequence + count) % ((long) Integer.MAX_VALUE + 1));
        return sequence;
    }

    /** Whether the partition's head batch may go now (see the class comment). */
    boolean canSend(TopicPartition tp, ProducerBatch head) {
        if (resetRequested) {
            return false;
        }
        return !enabled || !head.isClosed() || state(tp).inFlight == 0;
    }

    void sent(TopicPartition tp) {
        state(tp).inFlight++;
        totalInFlight++;
    }

    void returned(TopicPartition tp) {
        state(tp).inFlight--;
        totalInFlight--;
    }

    void acked(ProducerBatch batch) {
        if (enabled && batch.baseSequence >= 0) {
            PartitionState s = state(batch.partition);
            s.lastAcked = Math.max(s.lastAcked, batch.baseSequence + batch.recordCount() - 1);
        }
    }

    /** An OUT_OF_ORDER answer is expected (so retriable) when an earlier batch has not landed yet. */
    boolean earlierBatchPending(ProducerBatch batch) {
        return enabled && batch.baseSequence > state(batch.partition).lastAcked + 1;
    }

    void requestReset() {
        if (enabled) {
            resetRequested = true;
        }
    }

    private PartitionState state(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, k -> new PartitionState());
    }
}

package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;

import java.util.HashSet;
import java.util.Set;

/**
 * What the coordinator knows of one transactional id (Kafka's {@code TransactionMetadata}), as an
 * immutable value: each change is a new value written to {@code __transaction_state} before it
 * replaces the old one in memory.
 *
 * @param producerId         the id the producer uses now
 * @param prevProducerId     the id before the last change of id (epoch exhausted), else -1: a
 *                           retried InitProducerId naming it is answered with the current one
 * @param producerEpoch      the current epoch; a request with an older one is fenced
 * @param lastProducerEpoch  the epoch before the last bump, else -1 (KIP-360: a retried bump names it)
 * @param timeoutMs          the producer's {@code transaction.timeout.ms}
 * @param state              where the transaction stands
 * @param partitions         the partitions in the transaction (empty unless Ongoing or Prepare*)
 * @param txnStartMs         when the ongoing transaction began, else -1
 * @param lastUpdateMs       when this value was made (expiry counts from it)
 */
public record TxnMetadata(String transactionalId, long producerId, long prevProducerId, short producerEpoch,
                          short lastProducerEpoch, int timeoutMs, TxnState state, Set<TopicPartition> partitions,
                          long txnStartMs, long lastUpdateMs) {
    public static final short NO_EPOCH = -1;

    public TxnMetadata {
        partitions = Set.copyOf(partitions);
    }

    /** Past this epoch the producer id is exhausted (Kafka's {@code isEpochExhausted}: Short.MAX_VALUE - 1). */
    public boolean epochExhausted() {
        return producerEpoch >= Short.MAX_VALUE - 1;
    }

    TxnMetadata withState(TxnState next, long now) {
        return new TxnMetadata(transactionalId, producerId, prevProducerId, producerEpoch, lastProducerEpoch, timeoutMs,
                next, partitions, txnStartMs, now);
    }

    /** Ongoing with {@code added} partitions as well; the start time is kept if it was already ongoing. */
    TxnMetadata withPartitionsAdded(Set<TopicPartition> added, long now) {
        Set<TopicPartition> all = new HashSet<>(partitions);
        all.addAll(added);
        long start = state == TxnState.ONGOING ? txnStartMs : now;
        return new TxnMetadata(transactionalId, producerId, prevProducerId, producerEpoch, lastProducerEpoch, timeoutMs,
                TxnState.ONGOING, all, start, now);
    }

    /** The transaction finished: no partitions, no start time. */
    TxnMetadata completed(TxnState complete, long now) {
        return new TxnMetadata(transactionalId, producerId, prevProducerId, producerEpoch, lastProducerEpoch, timeoutMs,
                complete, Set.of(), -1, now);
    }

    /** The next epoch of the same producer id, the current one remembered for KIP-360 retries. */
    TxnMetadata bumpedEpoch(TxnState next, long now) {
        return new TxnMetadata(transactionalId, producerId, prevProducerId, (short) (producerEpoch + 1), producerEpoch,
                timeoutMs, next, partitions, txnStartMs, now);
    }

    /** A fresh, empty transaction for the producer, with a new id and epoch 0 or the next epoch of the same id. */
    TxnMetadata initialised(long newProducerId, int newTimeoutMs, long now) {
        if (newProducerId != producerId) {
            return new TxnMetadata(transactionalId, newProducerId, producerId, (short) 0, NO_EPOCH, newTimeoutMs,
                    TxnState.EMPTY, Set.of(), -1, now);
        }
        return new TxnMetadata(transactionalId, producerId, prevProducerId, (short) (producerEpoch + 1), producerEpoch,
                newTimeoutMs, TxnState.EMPTY, Set.of(), -1, now);
    }

    /** A transactional id seen for the first time. */
    static TxnMetadata fresh(String transactionalId, long producerId, int timeoutMs, long now) {
        return new TxnMetadata(transactionalId, producerId, -1, (short) 0, NO_EPOCH, timeoutMs, TxnState.EMPTY,
                Set.of(), -1, now);
    }
}

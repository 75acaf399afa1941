package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The transaction coordinator's rules (Kafka's {@code TransactionCoordinator} and
 * {@code TransactionMetadata} transitions for transactions v1) as pure functions of the current
 * state of a transactional id, the request and the time: no I/O, no locks. A request arriving while
 * a write for the same id is in flight is the caller's to refuse (CONCURRENT_TRANSACTIONS).
 * Stateless; any thread.
 */
public final class TxnTransitions {
    private TxnTransitions() {
    }

    /**
     * InitProducerId with a transactional id.
     *
     * @param current       the id's state, null if unknown
     * @param expectedId    the producer id the producer has (v3+, KIP-360), else -1
     * @param expectedEpoch its epoch, else -1
     * @param ids           hands out a new producer id (only called when one is needed)
     */
    public static TxnDecision initProducerId(TxnMetadata current, String transactionalId, int timeoutMs,
                                             int maxTimeoutMs, long expectedId, short expectedEpoch, long now,
                                             LongSupplier ids) {
        if (transactionalId.isEmpty()) {
            return new TxnDecision.Answer(Errors.INVALID_REQUEST, current);
        }
        if (timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
            return new TxnDecision.Answer(Errors.INVALID_TRANSACTION_TIMEOUT, current);
        }
        if (current == null) {
            return new TxnDecision.Write(TxnMetadata.fresh(transactionalId, ids.getAsLong(), timeoutMs, now), Errors.NONE);
        }
        boolean expected = expectedId >= 0;
        if (expected && !(expectedId == current.producerId()
                || (expectedId == current.prevProducerId() && expectedEpoch >= Short.MAX_VALUE - 1)
                || (expectedId == current.prevProducerId() && expectedEpoch == current.lastProducerEpoch()))) {
            return new TxnDecision.Answer(Errors.PRODUCER_FENCED, current);
        }
        switch (current.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE, DEAD -> {
                return new TxnDecision.Answer(Errors.CONCURRENT_TRANSACTIONS, current);
            }
            case ONGOING -> {
                // a new instance of the producer (or one recovering): fence the old epoch, abort its transaction;
                // the caller retries and gets the next epoch once the abort is complete
                return new TxnDecision.Write(current.bumpedEpoch(TxnState.PREPARE_ABORT, now), Errors.CONCURRENT_TRANSACTIONS);
            }
            default -> {
                // Empty, CompleteCommit, CompleteAbort
            }
        }
        if (expected && expectedId != current.producerId()) {
            // a retry of a bump that moved to a new producer id: answer the current one
            return new TxnDecision.Answer(Errors.NONE, current);
        }
        if (expected && expectedEpoch != current.producerEpoch()) {
            if (expectedEpoch == current.lastProducerEpoch()) {
                return new TxnDecision.Answer(Errors.NONE, current); // a retry of a bump that succeeded
            }
            return new TxnDecision.Answer(Errors.PRODUCER_FENCED, current);
        }
        long producerId = current.epochExhausted() ? ids.getAsLong() : current.producerId();
        return new TxnDecision.Write(current.initialised(producerId, timeoutMs, now), Errors.NONE);
    }

    /** The producer's checks every transactional request after InitProducerId starts with (Kafka's order). */
    private static Errors checkProducer(TxnMetadata current, long producerId, short epoch) {
        if (current == null || current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (current.producerEpoch() != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }

    /** AddPartitionsToTxn (and AddOffsetsToTxn, whose partition is the group's {@code __consumer_offsets} one). */
    public static TxnDecision addPartitions(TxnMetadata current, long producerId, short epoch,
                                            Set<TopicPartition> partitions, long now) {
        Errors producer = checkProducer(current, producerId, epoch);
        if (producer != Errors.NONE) {
            return new TxnDecision.Answer(producer, current);
        }
        if (current.state().isPrepare() || current.state() == TxnState.PREPARE_EPOCH_FENCE) {
            return new TxnDecision.Answer(Errors.CONCURRENT_TRANSACTIONS, current);
        }
        if (current.state() == TxnState.DEAD) {
            return new TxnDecision.Answer(Errors.INVALID_PRODUCER_ID_MAPPING, current);
        }
        if (current.state() == TxnState.ONGOING && current.partitions().containsAll(partitions)) {
            return new TxnDecision.Answer(Errors.NONE, current);
        }
        return new TxnDecision.Write(current.withPartitionsAdded(partitions, now), Errors.NONE);
    }

    /**
     * AddPartitionsToTxn v4+ with VerifyOnly (KIP-890, sent by partition leaders): the top-level
     * error, else per partition NONE if it is in the ongoing transaction and INVALID_TXN_STATE if not.
     */
    public static Map<TopicPartition, Errors> verifyPartitions(TxnMetadata current, long producerId, short epoch,
                                                               Set<TopicPartition> partitions) {
        Errors producer = checkProducer(current, producerId, epoch);
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            Errors error = producer;
            if (error == Errors.NONE) {
                error = current.state() == TxnState.ONGOING && current.partitions().contains(tp)
                        ? Errors.NONE : Errors.INVALID_TXN_STATE;
            }
            result.put(tp, error);
        }
        return result;
    }

    /** EndTxn from the producer (transactions v1: the epoch stays). */
    public static TxnDecision endTxn(TxnMetadata current, long producerId, short epoch, boolean commit, long now) {
        Errors producer = checkProducer(current, producerId, epoch);
        if (producer != Errors.NONE) {
            return new TxnDecision.Answer(producer, current);
        }
        return switch (current.state()) {
            case ONGOING -> new TxnDecision.Write(current.withState(commit ? TxnState.PREPARE_COMMIT
                    : TxnState.PREPARE_ABORT, now), Errors.NONE);
            case COMPLETE_COMMIT -> new TxnDecision.Answer(commit ? Errors.NONE : Errors.INVALID_TXN_STATE, current);
            case COMPLETE_ABORT -> new TxnDecision.Answer(commit ? Errors.INVALID_TXN_STATE : Errors.NONE, current);
            case PREPARE_COMMIT -> new TxnDecision.Answer(commit ? Errors.CONCURRENT_TRANSACTIONS
                    : Errors.INVALID_TXN_STATE, current);
            case PREPARE_ABORT -> new TxnDecision.Answer(commit ? Errors.INVALID_TXN_STATE
                    : Errors.CONCURRENT_TRANSACTIONS, current);
            case PREPARE_EPOCH_FENCE -> new TxnDecision.Answer(Errors.CONCURRENT_TRANSACTIONS, current);
            case EMPTY, DEAD -> new TxnDecision.Answer(Errors.INVALID_TXN_STATE, current);
        };
    }

    /**
     * {@code transaction.timeout.ms} passed since an ongoing transaction began: abort it with the
     * next epoch, so the producer's later requests are fenced (Kafka's {@code abortTimedOutTransactions}).
     *
     * @return the write, or null if the transaction has not timed out
     */
    public static TxnDecision.Write timedOut(TxnMetadata current, long now) {
        if (current.state() != TxnState.ONGOING || current.txnStartMs() < 0
                || now - current.txnStartMs() <= current.timeoutMs()) {
            return null;
        }
        if (current.producerEpoch() >= Short.MAX_VALUE) {
            return new TxnDecision.Write(current.withState(TxnState.PREPARE_ABORT, now), Errors.NONE);
        }
        return new TxnDecision.Write(current.bumpedEpoch(TxnState.PREPARE_ABORT, now), Errors.NONE);
    }

    /** Every marker of a PrepareCommit or PrepareAbort is written: the transaction is complete. */
    public static TxnDecision.Write markersWritten(TxnMetadata current, long now) {
        if (!current.state().isPrepare()) {
            throw new IllegalStateException(current.transactionalId() + " is " + current.state() + ", not preparing");
        }
        TxnState complete = current.state() == TxnState.PREPARE_COMMIT ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
        return new TxnDecision.Write(current.completed(complete, now), Errors.NONE);
    }

    /** Whether an idle transactional id has gone unused for {@code expirationMs} and may be removed. */
    public static boolean expired(TxnMetadata current, long now, long expirationMs) {
        return current.state().isIdle() && now - current.lastUpdateMs() >= expirationMs;
    }
}

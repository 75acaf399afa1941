package dev.sluice.broker.txn;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a transactional id, Kafka's {@code TransactionState} with its ids (stored in
 * {@code __transaction_state}) and names (ListTransactions, DescribeTransactions):
 * <pre>
 * Empty ──AddPartitions──▶ Ongoing ──EndTxn──▶ PrepareCommit ──markers written──▶ CompleteCommit
 *   ▲                        │    └──EndTxn/timeout──▶ PrepareAbort ──markers──▶ CompleteAbort
 *   └──InitProducerId── CompleteCommit / CompleteAbort / Empty          (Ongoing + InitProducerId or
 *                                                                        timeout: PrepareEpochFence → PrepareAbort)
 * Empty / CompleteCommit / CompleteAbort ──transactional.id.expiration.ms──▶ Dead (removed)
 * </pre>
 * PrepareEpochFence is transient (Kafka never writes it either): the state a transaction is in
 * while its producer epoch is bumped to fence a zombie before the abort is written.
 */
public enum TxnState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte id;
    private final String kafkaName;

    TxnState(int id, String kafkaName) {
        this.id = (byte) id;
        this.kafkaName = kafkaName;
    }

    public byte id() {
        return id;
    }

    /** The name Kafka's admin APIs and tools use. */
    public String kafkaName() {
        return kafkaName;
    }

    public static TxnState byId(byte id) {
        for (TxnState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown transaction state id " + id);
    }

    /** The state named {@code name} as Kafka spells it, or null. */
    public static TxnState byKafkaName(String name) {
        for (TxnState s : values()) {
            if (s.kafkaName.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Markers are being written: the transaction's outcome is decided but not complete. */
    public boolean isPrepare() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** No transaction in progress: a new one may begin, the producer epoch may be bumped. */
    public boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** Kafka's {@code validPreviousStates}: a transition into this state from any other is a bug. */
    public Set<TxnState> validPrevious() {
        return switch (this) {
            case EMPTY -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case ONGOING -> EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_COMMIT -> EnumSet.of(ONGOING);
            case PREPARE_ABORT -> EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE);
            case COMPLETE_COMMIT -> EnumSet.of(PREPARE_COMMIT);
            case COMPLETE_ABORT -> EnumSet.of(PREPARE_ABORT);
            case DEAD -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_EPOCH_FENCE -> EnumSet.of(ONGOING);
        };
    }
}

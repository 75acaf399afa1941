package dev.sluice.broker.producer;

/** The verdict on a producer's batch (or a transaction marker) before it is appended. */
public sealed interface SequenceCheck {

    /** New and in sequence: append it. */
    record Accept() implements SequenceCheck {
    }

    /** A retry of a batch already in the log: answer with its original offsets, append nothing. */
    record Duplicate(long firstOffset, long lastOffset, long timestamp) implements SequenceCheck {
    }

    /** The producer's epoch is older than the one already seen (INVALID_PRODUCER_EPOCH). */
    record Fenced(String message) implements SequenceCheck {
    }

    /** A gap or reordering in sequences (OUT_OF_ORDER_SEQUENCE_NUMBER). */
    record OutOfOrder(String message) implements SequenceCheck {
    }

    /** A plain batch from a producer whose transaction is open (INVALID_TXN_STATE). */
    record InvalidTxnState(String message) implements SequenceCheck {
    }

    /** A marker from a coordinator older than the one that wrote the producer's last marker (TRANSACTION_COORDINATOR_FENCED). */
    record CoordinatorFenced(String message) implements SequenceCheck {
    }

    SequenceCheck ACCEPT = new Accept();
}

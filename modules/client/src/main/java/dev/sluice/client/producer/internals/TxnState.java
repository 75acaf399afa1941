package dev.sluice.client.producer.internals;

/**
 * The states of a transactional producer (Kafka's TransactionManager states) and the transitions
 * between them. FATAL_ERROR is reachable from anywhere and leaves only close; ABORTABLE_ERROR is
 * left only by aborting.
 *
 * <pre>
 * UNINITIALIZED -initTransactions-> INITIALIZING -InitProducerId-> READY -begin-> IN_TRANSACTION
 * IN_TRANSACTION -commit-> COMMITTING -EndTxn-> READY
 * IN_TRANSACTION | ABORTABLE_ERROR -abort-> ABORTING -EndTxn-> READY (or INITIALIZING: epoch bump)
 * IN_TRANSACTION | COMMITTING -failure-> ABORTABLE_ERROR
 * </pre>
 */
enum TxnState {
    UNINITIALIZED, INITIALIZING, READY, IN_TRANSACTION, COMMITTING, ABORTING, ABORTABLE_ERROR, FATAL_ERROR;

    boolean canMoveTo(TxnState target) {
        return switch (target) {
            case UNINITIALIZED -> false;
            case INITIALIZING -> this == UNINITIALIZED || this == ABORTING;
            case READY -> this == INITIALIZING || this == COMMITTING || this == ABORTING;
            case IN_TRANSACTION -> this == READY;
            case COMMITTING -> this == IN_TRANSACTION;
            case ABORTING -> this == IN_TRANSACTION || this == ABORTABLE_ERROR;
            case ABORTABLE_ERROR -> this == IN_TRANSACTION || this == COMMITTING || this == ABORTABLE_ERROR;
            case FATAL_ERROR -> true;
        };
    }

    boolean isCompleting() {
        return this == COMMITTING || this == ABORTING;
    }

    boolean isError() {
        return this == ABORTABLE_ERROR || this == FATAL_ERROR;
    }
}

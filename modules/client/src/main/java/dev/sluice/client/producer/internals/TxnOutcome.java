package dev.sluice.client.producer.internals;

/**
 * What one transactional response means for the producer, decided by {@link TxnResponses} from
 * its error codes alone (Kafka's classification), and applied by {@link TransactionManager}.
 */
sealed interface TxnOutcome {
    /** The call succeeded. */
    record Done() implements TxnOutcome {
    }

    /**
     * Send the call again after a backoff; with {@code findCoordinator} the coordinator moved or is
     * unknown and is looked up first. {@code backoffMs} below 0 means the configured retry backoff.
     */
    record Retry(boolean findCoordinator, long backoffMs) implements TxnOutcome {
        static Retry later() {
            return new Retry(false, -1);
        }

        static Retry elsewhere() {
            return new Retry(true, -1);
        }
    }

    /**
     * The transaction cannot commit; aborting it clears the error. With {@code bumpEpoch} the abort
     * is followed by InitProducerId with the current id and epoch (KIP-360), since the broker's
     * sequence state for this producer can no longer be trusted.
     */
    record Abortable(RuntimeException error, boolean bumpEpoch) implements TxnOutcome {
    }

    /** The producer cannot go on (fenced, unauthorized, a protocol mismatch): only close is left. */
    record Fatal(RuntimeException error) implements TxnOutcome {
    }

    Done DONE = new Done();
}

package dev.sluice.client.producer;

import dev.sluice.client.SluiceClientException;

/**
 * A transactional call was refused because an earlier failure put the producer in an error state
 * (the cause is that failure), or because the call does not fit the producer's state (no cause;
 * e.g. {@code send} before {@code beginTransaction}).
 *
 * <p>As Kafka classifies them: {@link #isFatal() fatal} errors (fencing, authorization,
 * an unsupported version, an invalid transaction state) leave only {@code close()};
 * abortable ones (a failed batch, a refused offset commit, an epoch refused by a leader) are
 * cleared by {@code abortTransaction()}, after which a new transaction may begin.
 */
public class TransactionStateException extends SluiceClientException {
    private final boolean fatal;

    public TransactionStateException(String message, boolean fatal, Throwable cause) {
        super(message, cause);
        this.fatal = fatal;
    }

    /** True if the producer cannot go on and must be closed; false if aborting the transaction clears it. */
    public boolean isFatal() {
        return fatal;
    }
}

package dev.sluice.client;

/** A failure that may go away if the operation is repeated: disconnects, leader changes, timeouts. */
public class RetriableException extends SluiceClientException {
    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}

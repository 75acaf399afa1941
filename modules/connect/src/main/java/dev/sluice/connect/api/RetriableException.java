package dev.sluice.connect.api;

/**
 * A failure that may pass if the same call is tried again (a database restarting, a network blip):
 * the worker retries it with backoff up to {@code errors.retry.timeout}.
 */
public class RetriableException extends ConnectException {
    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}

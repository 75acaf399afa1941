package dev.sluice.client;

/** An operation did not finish in its configured time (request, delivery, block or api timeout). */
public class TimeoutException extends RetriableException {
    public TimeoutException(String message) {
        super(message);
    }
}

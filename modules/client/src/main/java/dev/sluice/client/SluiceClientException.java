package dev.sluice.client;

/** Base of every exception the client library throws or completes futures with. */
public class SluiceClientException extends RuntimeException {
    public SluiceClientException(String message) {
        super(message);
    }

    public SluiceClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True if repeating the operation may succeed (after a metadata refresh, reconnect or backoff). */
    public boolean isRetriable() {
        return false;
    }
}

package dev.sluice.client;

/** The client was closed while the operation was pending, or used after close. */
public class ClientClosedException extends SluiceClientException {
    public ClientClosedException(String message) {
        super(message);
    }
}

package dev.sluice.connect.api;

/** A failure in a connector, task, converter or transformation. */
public class ConnectException extends RuntimeException {
    public ConnectException(String message) {
        super(message);
    }

    public ConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}

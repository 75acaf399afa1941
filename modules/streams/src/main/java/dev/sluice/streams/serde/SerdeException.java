package dev.sluice.streams.serde;

/** Bytes that a serde cannot read, or a value it cannot write. */
public class SerdeException extends RuntimeException {
    public SerdeException(String message) {
        super(message);
    }

    public SerdeException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.sluice.streams;

/** A failure while processing: which task and node, and why. Stops the instance (or fails the test driver call). */
public class StreamsException extends RuntimeException {
    public StreamsException(String message) {
        super(message);
    }

    public StreamsException(String message, Throwable cause) {
        super(message, cause);
    }
}

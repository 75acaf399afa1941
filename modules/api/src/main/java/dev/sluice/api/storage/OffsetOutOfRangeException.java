package dev.sluice.api.storage;

/** A read asked for an offset before the log start or after the log end (Kafka: OFFSET_OUT_OF_RANGE). */
public class OffsetOutOfRangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OffsetOutOfRangeException(String message) {
        super(message);
    }
}

package dev.sluice.api.storage;

/**
 * A call on a {@link LogStorage} after it was closed (its topic deleted, or the broker shutting
 * down), including a read the close overtook. Not a disk failure, so not a
 * {@link StorageException}: the broker answers that it no longer has the partition
 * (UNKNOWN_TOPIC_OR_PARTITION once it is unregistered) and keeps the directory online.
 */
public class LogClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public LogClosedException(String message) {
        super(message);
    }

    public LogClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}

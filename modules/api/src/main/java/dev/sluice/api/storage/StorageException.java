package dev.sluice.api.storage;

/** A storage failure that is not the caller's fault: I/O error, disk full, corrupt metadata. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

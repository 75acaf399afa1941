package dev.sluice.protocol;

/**
 * Bytes that do not form a valid message: truncated fields, negative or oversized lengths,
 * malformed varints, null where a schema forbids it. Carries the request header when it could be
 * read, so the broker can log or answer it; the broker maps {@link #error()} into a response or
 * closes the connection.
 */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RequestHeader header;

    public ProtocolException(String message) {
        this(message, null, null);
    }

    public ProtocolException(String message, RequestHeader header, Throwable cause) {
        super(message, cause);
        this.header = header;
    }

    /** The request header, or null if the failure came before (or outside) one. */
    public RequestHeader header() {
        return header;
    }

    /** The Kafka error code this maps to. */
    public Errors error() {
        return Errors.INVALID_REQUEST;
    }
}

package dev.sluice.client;

/**
 * A broker answered with an error code. {@link #errorName()} is Kafka's name for it, e.g.
 * {@code TOPIC_ALREADY_EXISTS}; retriability follows Kafka's error table.
 */
public class ApiException extends SluiceClientException {
    private final short errorCode;
    private final String errorName;
    private final boolean retriable;

    public ApiException(short errorCode, String errorName, boolean retriable, String message) {
        super(errorName + (message == null || message.isEmpty() ? "" : ": " + message));
        this.errorCode = errorCode;
        this.errorName = errorName;
        this.retriable = retriable;
    }

    public short errorCode() {
        return errorCode;
    }

    public String errorName() {
        return errorName;
    }

    @Override
    public boolean isRetriable() {
        return retriable;
    }
}

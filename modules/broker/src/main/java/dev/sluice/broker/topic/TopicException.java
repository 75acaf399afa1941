package dev.sluice.broker.topic;

/** A topic operation refused; {@link #error()} names the Kafka error it maps onto. */
public class TopicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The Kafka error kinds of topic administration. */
    public enum Error {
        TOPIC_ALREADY_EXISTS,
        INVALID_TOPIC_EXCEPTION,
        INVALID_PARTITIONS,
        INVALID_REPLICATION_FACTOR,
        INVALID_CONFIG,
        UNKNOWN_TOPIC_OR_PARTITION,
        TOPIC_DELETION_DISABLED,
        INVALID_REQUEST_ARGUMENTS,
        STORAGE_ERROR,
        /** A broker limit ({@code max.broker.partitions}) refuses it. */
        POLICY_VIOLATION
    }

    private final Error error;

    public TopicException(Error error, String message) {
        super(message);
        this.error = error;
    }

    public Error error() {
        return error;
    }
}

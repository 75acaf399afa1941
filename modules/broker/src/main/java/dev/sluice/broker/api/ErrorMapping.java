package dev.sluice.broker.api;

import dev.sluice.broker.topic.TopicException;
import dev.sluice.protocol.Errors;

/** Broker-internal failure kinds to Kafka error codes. */
final class ErrorMapping {
    private ErrorMapping() {
    }

    static Errors of(TopicException.Error error) {
        return switch (error) {
            case TOPIC_ALREADY_EXISTS -> Errors.TOPIC_ALREADY_EXISTS;
            case INVALID_TOPIC_EXCEPTION -> Errors.INVALID_TOPIC_EXCEPTION;
            case INVALID_PARTITIONS -> Errors.INVALID_PARTITIONS;
            case INVALID_REPLICATION_FACTOR -> Errors.INVALID_REPLICATION_FACTOR;
            case INVALID_CONFIG -> Errors.INVALID_CONFIG;
            case UNKNOWN_TOPIC_OR_PARTITION -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
            case TOPIC_DELETION_DISABLED -> Errors.TOPIC_DELETION_DISABLED;
            case INVALID_REQUEST_ARGUMENTS -> Errors.INVALID_REQUEST;
            case STORAGE_ERROR -> Errors.KAFKA_STORAGE_ERROR;
            case POLICY_VIOLATION -> Errors.POLICY_VIOLATION;
        };
    }
}

package dev.sluice.broker.partition;

/** Why a produce to a partition was refused; the API layer maps each onto its Kafka error code. */
public enum AppendError {
    CORRUPT_MESSAGE,
    MESSAGE_TOO_LARGE,
    RECORD_LIST_TOO_LARGE,
    INVALID_RECORD,
    INVALID_TIMESTAMP,
    UNSUPPORTED_FOR_MESSAGE_FORMAT,
    OUT_OF_ORDER_SEQUENCE_NUMBER,
    INVALID_PRODUCER_EPOCH,
    /** a plain batch from a producer whose transaction is open */
    INVALID_TXN_STATE,
    /** a marker from a coordinator older than the producer's last marker's */
    TRANSACTION_COORDINATOR_FENCED,
    UNSUPPORTED_COMPRESSION_TYPE,
    STORAGE_ERROR,
    /** the partition's role changed: this broker no longer leads it */
    NOT_LEADER_OR_FOLLOWER,
    /** the topic was deleted while the append ran */
    DELETED
}

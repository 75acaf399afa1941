package dev.sluice.broker.partition;

/** How far a fetch may read (Kafka's FetchIsolation). */
public enum FetchIsolation {
    /** a follower: everything appended */
    LOG_END,
    /** a read_uncommitted consumer: up to the high watermark */
    HIGH_WATERMARK,
    /** a read_committed consumer: up to the last stable offset */
    TXN_COMMITTED
}

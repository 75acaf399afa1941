package dev.sluice.broker.partition;

import dev.sluice.api.record.TimestampType;

/**
 * Produce-time rules of a topic.
 *
 * @param timestampType        {@code message.timestamp.type}
 * @param maxMessageBytes      {@code max.message.bytes}: the largest batch accepted
 * @param timestampBeforeMaxMs {@code message.timestamp.before.max.ms}: how far a CreateTime timestamp
 *                             may lie behind the broker's clock
 * @param timestampAfterMaxMs  {@code message.timestamp.after.max.ms}: how far it may lie ahead
 * @param minInSyncReplicas    {@code min.insync.replicas}: the ISR size acks=all needs
 * @param replicaLagTimeMaxMs  the broker's {@code replica.lag.time.max.ms}: how long an in-sync follower
 *                             may go without catching up before the leader removes it from the ISR
 * @param compacted            {@code cleanup.policy} includes compact: every record needs a key, so
 *                             produced records are decoded (only for such topics) to check it
 */
public record PartitionSettings(TimestampType timestampType, int maxMessageBytes, long timestampBeforeMaxMs,
                                long timestampAfterMaxMs, int minInSyncReplicas, long replicaLagTimeMaxMs,
                                boolean compacted) {
    /** Kafka's default {@code replica.lag.time.max.ms}. */
    public static final long DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30_000L;

    /** Kafka's defaults: any age, at most one hour ahead (Kafka 4.x). */
    public static final long DEFAULT_TIMESTAMP_BEFORE_MAX_MS = Long.MAX_VALUE;
    public static final long DEFAULT_TIMESTAMP_AFTER_MAX_MS = 3_600_000L;

    /** A topic that is not compacted. */
    public PartitionSettings(TimestampType timestampType, int maxMessageBytes, long timestampBeforeMaxMs,
                             long timestampAfterMaxMs, int minInSyncReplicas, long replicaLagTimeMaxMs) {
        this(timestampType, maxMessageBytes, timestampBeforeMaxMs, timestampAfterMaxMs, minInSyncReplicas, replicaLagTimeMaxMs,
                false);
    }

    /** Default timestamp bounds and replication settings. */
    public PartitionSettings(TimestampType timestampType, int maxMessageBytes) {
        this(timestampType, maxMessageBytes, DEFAULT_TIMESTAMP_BEFORE_MAX_MS, DEFAULT_TIMESTAMP_AFTER_MAX_MS);
    }

    /** Default replication settings (min.insync.replicas 1, Kafka's replica lag). */
    public PartitionSettings(TimestampType timestampType, int maxMessageBytes, long timestampBeforeMaxMs,
                             long timestampAfterMaxMs) {
        this(timestampType, maxMessageBytes, timestampBeforeMaxMs, timestampAfterMaxMs, 1, DEFAULT_REPLICA_LAG_TIME_MAX_MS);
    }
}

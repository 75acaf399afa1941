package dev.sluice.broker.topic;

import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.broker.partition.PartitionSettings;

import java.util.Map;

/**
 * Broker-wide defaults for topics, and the effective settings of a topic once its overrides are
 * applied.
 *
 * @param autoCreate           {@code auto.create.topics.enable}
 * @param timestampBeforeMaxMs {@code log.message.timestamp.before.max.ms}
 * @param timestampAfterMaxMs  {@code log.message.timestamp.after.max.ms}
 * @param minInSyncReplicas    {@code min.insync.replicas} (the broker's default)
 * @param replicaLagTimeMaxMs  {@code replica.lag.time.max.ms}
 * @param maxCompactionLagMs   {@code log.cleaner.max.compaction.lag.ms}: a compacted topic's active segment
 *                             rolls at least this often, so its records become cleanable in time
 */
public record TopicDefaults(LogConfig log, TimestampType timestampType, int maxMessageBytes, int numPartitions,
                            short replicationFactor, boolean autoCreate, String cleanupPolicy, String storageEngine,
                            long timestampBeforeMaxMs, long timestampAfterMaxMs, int minInSyncReplicas,
                            long replicaLagTimeMaxMs, long maxCompactionLagMs) {

    /** No max.compaction.lag.ms (Kafka's default). */
    public TopicDefaults(LogConfig log, TimestampType timestampType, int maxMessageBytes, int numPartitions,
                         short replicationFactor, boolean autoCreate, String cleanupPolicy, String storageEngine,
                         long timestampBeforeMaxMs, long timestampAfterMaxMs, int minInSyncReplicas,
                         long replicaLagTimeMaxMs) {
        this(log, timestampType, maxMessageBytes, numPartitions, replicationFactor, autoCreate, cleanupPolicy, storageEngine,
                timestampBeforeMaxMs, timestampAfterMaxMs, minInSyncReplicas, replicaLagTimeMaxMs, Long.MAX_VALUE);
    }

    /** Default replication settings (min.insync.replicas 1, Kafka's replica lag). */
    public TopicDefaults(LogConfig log, TimestampType timestampType, int maxMessageBytes, int numPartitions,
                         short replicationFactor, boolean autoCreate, String cleanupPolicy, String storageEngine,
                         long timestampBeforeMaxMs, long timestampAfterMaxMs) {
        this(log, timestampType, maxMessageBytes, numPartitions, replicationFactor, autoCreate, cleanupPolicy, storageEngine,
                timestampBeforeMaxMs, timestampAfterMaxMs, 1, PartitionSettings.DEFAULT_REPLICA_LAG_TIME_MAX_MS);
    }

    /** Kafka's default timestamp bounds. */
    public TopicDefaults(LogConfig log, TimestampType timestampType, int maxMessageBytes, int numPartitions,
                         short replicationFactor, boolean autoCreate, String cleanupPolicy, String storageEngine) {
        this(log, timestampType, maxMessageBytes, numPartitions, replicationFactor, autoCreate, cleanupPolicy, storageEngine,
                PartitionSettings.DEFAULT_TIMESTAMP_BEFORE_MAX_MS, PartitionSettings.DEFAULT_TIMESTAMP_AFTER_MAX_MS);
    }

    /**
     * The storage settings of a topic with {@code overrides}. Kafka's cleanup policies: only with
     * {@code delete} do retention.ms and retention.bytes delete segments (a compact-only topic keeps
     * every key's latest record however old); with {@code compact} the active segment also rolls
     * by {@code max.compaction.lag.ms}, so no record waits longer to become cleanable.
     */
    public LogConfig logConfig(Map<String, String> overrides) {
        LogConfig config = log.withOverrides(overrides);
        String policy = cleanupPolicy(overrides);
        if (!policy.contains("delete")) {
            config = config.withRetentionMs(-1).withRetentionBytes(-1);
        }
        if (policy.contains("compact")) {
            String lag = overrides.get("max.compaction.lag.ms");
            long maxLag = lag == null ? maxCompactionLagMs : Long.parseLong(lag.trim());
            config = config.withSegmentMs(Math.min(config.segmentMs(), maxLag));
        }
        return config;
    }

    /** The topic's {@code cleanup.policy}: its override, else the broker's {@code log.cleanup.policy}. */
    public String cleanupPolicy(Map<String, String> overrides) {
        String policy = overrides.get("cleanup.policy");
        return policy == null ? cleanupPolicy : policy;
    }

    /** True if the topic's cleanup policy includes compact. */
    public boolean compacted(Map<String, String> overrides) {
        return cleanupPolicy(overrides).contains("compact");
    }

    public PartitionSettings partitionSettings(Map<String, String> overrides) {
        String type = overrides.get("message.timestamp.type");
        TimestampType ts = type == null ? timestampType
                : type.equals("LogAppendTime") ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
        String max = overrides.get("max.message.bytes");
        String before = overrides.get("message.timestamp.before.max.ms");
        String after = overrides.get("message.timestamp.after.max.ms");
        String minIsr = overrides.get("min.insync.replicas");
        return new PartitionSettings(ts, max == null ? maxMessageBytes : Integer.parseInt(max.trim()),
                before == null ? timestampBeforeMaxMs : Long.parseLong(before.trim()),
                after == null ? timestampAfterMaxMs : Long.parseLong(after.trim()),
                minIsr == null ? minInSyncReplicas : Integer.parseInt(minIsr.trim()), replicaLagTimeMaxMs,
                compacted(overrides));
    }
}

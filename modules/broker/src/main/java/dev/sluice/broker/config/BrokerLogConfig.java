package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker's settings about topics and their logs: where logs live, the defaults topics get (segments,
 * retention, roll, flush, timestamps, sizes) and the limits on creating them; read from {@link #values()}.
 * {@link BrokerConfig} is one; immutable, any thread.
 */
public interface BrokerLogConfig {
    /** The broker settings, parsed (given or default). */
    ConfigValues values();

    /** {@code log.dirs}, else {@code log.dir} (Kafka: log.dirs wins). */
    default List<Path> logDirs() {
        List<String> dirs = values().isSet("log.dirs") ? values().getList("log.dirs")
                : List.of(values().getString("log.dir"));
        return dirs.stream().map(Path::of).toList();
    }

    /** Name of the {@link dev.sluice.api.storage.LogStorageProvider} to use. */
    default String logStorage() {
        return values().getString("log.storage");
    }

    /** The log settings topics get unless they override them. */
    default LogConfig defaultLogConfig() {
        return new LogConfig(logSegmentBytes(), logRollMs(), logRetentionMs(), logRetentionBytes(),
                logFlushIntervalMessages(), logFlushIntervalMs(), values().getInt("log.index.interval.bytes"),
                values().getInt("log.index.size.max.bytes"), values().getLong("log.segment.delete.delay.ms"));
    }

    default int numPartitions() {
        return values().getInt("num.partitions");
    }

    default short defaultReplicationFactor() {
        return values().getShort("default.replication.factor");
    }

    /** Effective retention after Kafka's {@code log.retention.ms} / {@code .minutes} / {@code .hours} precedence; -1 = forever. */
    default long logRetentionMs() {
        ConfigValues v = values();
        long result = v.isSet("log.retention.ms") ? v.getLong("log.retention.ms")
                : v.isSet("log.retention.minutes") ? TimeUnit.MINUTES.toMillis(v.getInt("log.retention.minutes"))
                : TimeUnit.HOURS.toMillis(v.getInt("log.retention.hours"));
        return result < 0 ? -1 : result;
    }

    default long logRetentionBytes() {
        return values().getLong("log.retention.bytes");
    }

    default int logSegmentBytes() {
        return values().getInt("log.segment.bytes");
    }

    /** Effective roll interval: {@code log.roll.ms}, else {@code log.roll.hours} (168). */
    default long logRollMs() {
        return values().isSet("log.roll.ms") ? values().getLong("log.roll.ms") : TimeUnit.HOURS.toMillis(values().getInt("log.roll.hours"));
    }

    default long logFlushIntervalMessages() {
        return values().getLong("log.flush.interval.messages");
    }

    default long logFlushIntervalMs() {
        return values().getLong("log.flush.interval.ms");
    }

    default long logRetentionCheckIntervalMs() {
        return values().getLong("log.retention.check.interval.ms");
    }

    default TimestampType logMessageTimestampType() {
        return "LogAppendTime".equalsIgnoreCase(values().getString("log.message.timestamp.type"))
                ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
    }

    default int messageMaxBytes() {
        return values().getInt("message.max.bytes");
    }

    default long logMessageTimestampBeforeMaxMs() {
        return values().getLong("log.message.timestamp.before.max.ms");
    }

    default long logMessageTimestampAfterMaxMs() {
        return values().getLong("log.message.timestamp.after.max.ms");
    }

    default boolean autoCreateTopicsEnable() {
        return values().getBoolean("auto.create.topics.enable");
    }

    /** {@code max.broker.partitions}: creating topics or partitions past it is refused (POLICY_VIOLATION). */
    default int maxBrokerPartitions() {
        return values().getInt("max.broker.partitions");
    }

    default boolean deleteTopicEnable() {
        return values().getBoolean("delete.topic.enable");
    }
}

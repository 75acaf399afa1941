package dev.sluice.broker.cleaner;

import dev.sluice.api.config.ConfigValues;
import dev.sluice.broker.topic.TopicConfigDef;

import java.util.Map;

/**
 * One topic's compaction settings in effect: its overrides over the broker's defaults
 * ({@code log.cleaner.*}, dynamic ones included). Immutable.
 *
 * @param compact            {@code cleanup.policy} includes compact
 * @param minCleanableRatio  {@code min.cleanable.dirty.ratio}
 * @param minCompactionLagMs {@code min.compaction.lag.ms}
 * @param maxCompactionLagMs {@code max.compaction.lag.ms}
 * @param deleteRetentionMs  {@code delete.retention.ms}
 */
public record TopicCleaning(boolean compact, double minCleanableRatio, long minCompactionLagMs, long maxCompactionLagMs,
                            long deleteRetentionMs) {

    /** The settings of a topic with {@code overrides} (applicable ones) under the broker settings {@code broker}. */
    public static TopicCleaning of(Map<String, String> overrides, ConfigValues broker) {
        Map<String, String> defaults = TopicConfigDef.brokerDefaults(broker);
        java.util.function.Function<String, String> value = name -> overrides.getOrDefault(name, defaults.get(name)).trim();
        return new TopicCleaning(value.apply("cleanup.policy").contains("compact"),
                Double.parseDouble(value.apply("min.cleanable.dirty.ratio")),
                Long.parseLong(value.apply("min.compaction.lag.ms")), Long.parseLong(value.apply("max.compaction.lag.ms")),
                Long.parseLong(value.apply("delete.retention.ms")));
    }
}

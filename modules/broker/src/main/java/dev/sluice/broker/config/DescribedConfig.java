package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigType;

import java.util.List;

/**
 * One setting as DescribeConfigs reports it: value, where the value comes from, and its synonyms
 * (the settings that could supply it, highest priority first, each with its own source).
 *
 * @param value  the value as text; null for a setting without default that was not given
 *               (Kafka's way: {@code log.retention.ms} is null unless set)
 * @param source one of {@link Source}
 */
public record DescribedConfig(String name, String value, byte source, boolean readOnly, ConfigType type,
                              String documentation, List<Synonym> synonyms) {

    public DescribedConfig {
        synonyms = List.copyOf(synonyms);
    }

    /** A setting that could supply the value, as Kafka's {@code DescribeConfigsSynonym}. */
    public record Synonym(String name, String value, byte source) {
    }

    /** Kafka's {@code ConfigSource} ids. */
    public static final class Source {
        public static final byte DYNAMIC_TOPIC_CONFIG = 1;
        public static final byte DYNAMIC_BROKER_CONFIG = 2;
        public static final byte DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
        public static final byte STATIC_BROKER_CONFIG = 4;
        public static final byte DEFAULT_CONFIG = 5;

        private Source() {
        }
    }
}

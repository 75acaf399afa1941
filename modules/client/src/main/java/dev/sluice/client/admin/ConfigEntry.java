package dev.sluice.client.admin;

import java.util.List;

/**
 * One setting of a resource. {@code source} is Kafka's config source id (1 dynamic topic,
 * 2 dynamic broker, 3 dynamic cluster default, 4 static broker, 5 default); sensitive values come
 * back null. {@code synonyms}: the settings that could supply the value, highest priority first.
 */
public record ConfigEntry(String name, String value, byte source, boolean readOnly, boolean sensitive,
                          List<Synonym> synonyms) {

    public ConfigEntry {
        synonyms = List.copyOf(synonyms);
    }

    public ConfigEntry(String name, String value, byte source, boolean readOnly, boolean sensitive) {
        this(name, value, source, readOnly, sensitive, List.of());
    }

    /** A setting that could supply the value, with its own source. */
    public record Synonym(String name, String value, byte source) {
    }

    /** True when the value is a default rather than set for this resource. */
    public boolean isDefault() {
        return source == 5;
    }

    /** Kafka's name of a config source id ({@code DYNAMIC_BROKER_CONFIG}, ...), as kafka-configs.sh prints it. */
    public static String sourceName(byte source) {
        return switch (source) {
            case 1 -> "DYNAMIC_TOPIC_CONFIG";
            case 2 -> "DYNAMIC_BROKER_CONFIG";
            case 3 -> "DYNAMIC_DEFAULT_BROKER_CONFIG";
            case 4 -> "STATIC_BROKER_CONFIG";
            case 5 -> "DEFAULT_CONFIG";
            case 6 -> "DYNAMIC_BROKER_LOGGER_CONFIG";
            case 7 -> "CLIENT_METRICS_CONFIG";
            case 8 -> "GROUP_CONFIG";
            default -> "UNKNOWN";
        };
    }
}

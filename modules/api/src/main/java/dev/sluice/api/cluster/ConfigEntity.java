package dev.sluice.api.cluster;

import java.util.Objects;

/**
 * Whose configuration overrides: a topic, a broker, or the cluster-wide broker default
 * ({@code /config/topics/T}, {@code /config/brokers/<id>}, {@code /config/brokers/<default>}).
 */
public record ConfigEntity(Type type, String name) {
    public enum Type { TOPIC, BROKER }

    /** Kafka's name of the cluster-wide broker default entity. */
    public static final String BROKER_DEFAULT = "<default>";

    public ConfigEntity {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ConfigEntity topic(String name) {
        return new ConfigEntity(Type.TOPIC, name);
    }

    public static ConfigEntity broker(int id) {
        return new ConfigEntity(Type.BROKER, Integer.toString(id));
    }

    public static ConfigEntity brokerDefault() {
        return new ConfigEntity(Type.BROKER, BROKER_DEFAULT);
    }
}

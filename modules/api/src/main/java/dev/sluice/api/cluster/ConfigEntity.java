package dev.sluice.api.cluster;

import java.util.Objects;

/**
 * Whose configuration overrides: a topic, a broker, or the cluster-wide broker default
 * ({@code /config/topics/T}, {@code /config/brokers/<id>}, {@code /config/brokers/<default>}); and
 * the client quotas of a user, a client id or both, in Kafka's ZooKeeper layout: {@code /config/users/U},
 * {@code /config/clients/C} and {@code /config/users/U/clients/C} (type {@link Type#USER}, name
 * {@code U/clients/C}), each name sanitized as Kafka's {@code Sanitizer} does (URL-encoded, so it holds no
 * {@code /}) or {@code <default>}.
 */
public record ConfigEntity(Type type, String name) {
    public enum Type { TOPIC, BROKER, USER, CLIENT }

    /** Between the user and the client id in the name of a {@link Type#USER} entity of both. */
    public static final String USER_CLIENT_SEPARATOR = "/clients/";

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

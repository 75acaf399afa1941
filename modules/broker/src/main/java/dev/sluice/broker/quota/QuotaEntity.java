package dev.sluice.broker.quota;

import dev.sluice.api.cluster.ConfigEntity;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who a client quota is for: a user, a client id, or both (Kafka's {@code ClientQuotaEntity}).
 *
 * @param user     the user name, {@link #DEFAULT} for the default user, or null if the entity has no user
 * @param clientId the client id, {@link #DEFAULT} for the default client id, or null if it has none
 */
public record QuotaEntity(String user, String clientId) {
    /** The default of a component: Kafka's name for it in the metadata store. */
    public static final String DEFAULT = "<default>";
    /** Kafka's entity type names on the wire. */
    public static final String USER = "user";
    public static final String CLIENT_ID = "client-id";

    public QuotaEntity {
        if (user == null && clientId == null) {
            throw new IllegalArgumentException("a quota entity names a user, a client id or both");
        }
    }

    /** Where the entity's quotas live in the cluster metadata store (Kafka's ZooKeeper layout). */
    ConfigEntity configEntity() {
        if (user == null) {
            return new ConfigEntity(ConfigEntity.Type.CLIENT, sanitize(clientId));
        }
        String name = clientId == null ? sanitize(user) : sanitize(user) + ConfigEntity.USER_CLIENT_SEPARATOR + sanitize(clientId);
        return new ConfigEntity(ConfigEntity.Type.USER, name);
    }

    /** The entity stored as {@code config}, if it is a client-quota entity. */
    static Optional<QuotaEntity> of(ConfigEntity config) {
        return switch (config.type()) {
            case CLIENT -> Optional.of(new QuotaEntity(null, desanitize(config.name())));
            case USER -> {
                int split = config.name().indexOf(ConfigEntity.USER_CLIENT_SEPARATOR);
                yield Optional.of(split < 0 ? new QuotaEntity(desanitize(config.name()), null)
                        : new QuotaEntity(desanitize(config.name().substring(0, split)),
                        desanitize(config.name().substring(split + ConfigEntity.USER_CLIENT_SEPARATOR.length()))));
            }
            default -> Optional.empty();
        };
    }

    /** Kafka's {@code Sanitizer.sanitize}: URL-encoded, {@code *} as %2A and space as %20, so no {@code /}. */
    public static String sanitize(String name) {
        if (name.equals(DEFAULT)) {
            return name;
        }
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    }

    public static String desanitize(String name) {
        return name.equals(DEFAULT) ? name : URLDecoder.decode(name, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (user != null) {
            text.append("user ").append(user.equals(DEFAULT) ? DEFAULT : "'" + user + "'");
        }
        if (clientId != null) {
            text.append(text.isEmpty() ? "" : ", ").append("client-id ")
                    .append(clientId.equals(DEFAULT) ? DEFAULT : "'" + clientId + "'");
        }
        return text.toString();
    }
}

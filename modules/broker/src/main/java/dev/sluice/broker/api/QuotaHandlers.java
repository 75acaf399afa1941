package dev.sluice.broker.api;

import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.broker.quota.ClientQuotas;
import dev.sluice.broker.quota.QuotaEntity;
import dev.sluice.broker.quota.QuotaType;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * DescribeClientQuotas (48) and AlterClientQuotas (49) over {@link ClientQuotas}: the quotas of
 * users and client ids ({@code kafka-configs.sh --entity-type users|clients}). Decode, call, encode;
 * runs on request-handler threads.
 */
public final class QuotaHandlers {
    private static final byte MATCH_EXACT = 0;
    private static final byte MATCH_DEFAULT = 1;
    private static final byte MATCH_SPECIFIED = 2;

    private final ClientQuotas quotas;

    private final Authorization authorization;

    private QuotaHandlers(ClientQuotas quotas, Authorization authorization) {
        this.authorization = authorization;
        this.quotas = quotas;
    }

    public static void register(ApiRouter router, ClientQuotas quotas) {
        QuotaHandlers handlers = new QuotaHandlers(quotas, router.authorization());
        router.register(ApiKey.DESCRIBE_CLIENT_QUOTAS, router.authorization().onCluster(dev.sluice.api.security.AclOperation.DESCRIBE_CONFIGS,
                handlers::describeClientQuotas));
        router.register(ApiKey.ALTER_CLIENT_QUOTAS, handlers::alterClientQuotas);
    }

    /** A filter component: entity type, how to match, the name for an exact match. */
    private record Component(String type, byte match, String name) {
        boolean matches(QuotaEntity entity) {
            String value = type.equals(QuotaEntity.USER) ? entity.user() : entity.clientId();
            return switch (match) {
                case MATCH_EXACT -> value != null && !value.equals(QuotaEntity.DEFAULT) && value.equals(name);
                case MATCH_DEFAULT -> QuotaEntity.DEFAULT.equals(value);
                default -> value != null;
            };
        }
    }

    void describeClientQuotas(RequestContext ctx) {
        Struct response = ctx.newResponse();
        List<Component> components = new ArrayList<>();
        for (Struct c : ctx.body().getArray("Components")) {
            String problem = entityTypeProblem(c.getString("EntityType"), components.stream().map(Component::type).toList());
            byte match = c.getByte("MatchType");
            if (problem == null && (match < MATCH_EXACT || match > MATCH_SPECIFIED)) {
                problem = "Unknown match type " + match + "; 0 = exact name, 1 = default, 2 = any";
            } else if (problem == null && match == MATCH_EXACT && c.getString("Match") == null) {
                problem = "An exact match needs a name for " + c.getString("EntityType");
            }
            if (problem != null) {
                ctx.respond(response.set("ErrorCode", Errors.INVALID_REQUEST.code()).set("ErrorMessage", problem).set("Entries", null));
                return;
            }
            components.add(new Component(c.getString("EntityType"), match, c.getString("Match")));
        }
        boolean strict = ctx.body().getBool("Strict");
        response.set("ErrorCode", Errors.NONE.code());
        quotas.current().quotas().forEach((entity, limits) -> {
            if (!components.stream().allMatch(c -> c.matches(entity))) {
                return;
            }
            List<String> types = components.stream().map(Component::type).toList();
            if (strict && ((entity.user() != null && !types.contains(QuotaEntity.USER))
                    || (entity.clientId() != null && !types.contains(QuotaEntity.CLIENT_ID)))) {
                return;
            }
            Struct entry = response.addStruct("Entries");
            addEntity(entry, entity);
            limits.forEach((type, value) -> entry.addStruct("Values").set("Key", type.key()).set("Value", value));
        });
        ctx.respond(response);
    }

    void alterClientQuotas(RequestContext ctx) {
        Struct response = ctx.newResponse();
        boolean validateOnly = ctx.body().getBool("ValidateOnly");
        // as Kafka: ALTER_CONFIGS on the cluster, else every entry is refused
        boolean allowed = authorization.allowsOnCluster(ctx, dev.sluice.api.security.AclOperation.ALTER_CONFIGS);
        for (Struct entry : ctx.body().getArray("Entries")) {
            Struct result = response.addStruct("Entries");
            for (Struct e : entry.getArray("Entity")) {
                result.addStruct("Entity").set("EntityType", e.getString("EntityType")).set("EntityName", e.getString("EntityName"));
            }
            if (!allowed) {
                result.set("ErrorCode", Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                        .set("ErrorMessage", Errors.CLUSTER_AUTHORIZATION_FAILED.message());
                continue;
            }
            String problem = null;
            QuotaEntity entity = null;
            Map<QuotaType, Double> changes = new EnumMap<>(QuotaType.class);
            try {
                entity = entity(entry.getArray("Entity"));
                for (Struct op : entry.getArray("Ops")) {
                    QuotaType type = QuotaType.byKey(op.getString("Key")).orElseThrow(() -> new IllegalArgumentException(
                            "Unknown quota key '" + op.getString("Key") + "': Sluice enforces producer_byte_rate, "
                                    + "consumer_byte_rate and request_percentage"));
                    if (op.getBool("Remove")) {
                        changes.put(type, null);
                    } else {
                        String invalid = validate(type, op.getDouble("Value"));
                        if (invalid != null) {
                            throw new IllegalArgumentException(invalid);
                        }
                        changes.put(type, op.getDouble("Value"));
                    }
                }
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                result.set("ErrorCode", Errors.INVALID_REQUEST.code()).set("ErrorMessage", problem);
                continue;
            }
            try {
                if (!validateOnly) {
                    quotas.alter(entity, changes);
                }
                result.set("ErrorCode", Errors.NONE.code());
            } catch (ClusterStoreException e) {
                result.set("ErrorCode", Errors.UNKNOWN_SERVER_ERROR.code())
                        .set("ErrorMessage", "cannot store the quotas of " + entity + ": " + e.getMessage());
            }
        }
        ctx.respond(response);
    }

    private static String validate(QuotaType type, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            return type.key() + " must be a positive number, not " + value;
        }
        if (type != QuotaType.REQUEST && value != Math.rint(value)) {
            return type.key() + " must be a whole number of bytes per second, not " + value;
        }
        return null;
    }

    private static QuotaEntity entity(List<Struct> components) {
        String user = null;
        String clientId = null;
        List<String> seen = new ArrayList<>();
        for (Struct c : components) {
            String type = c.getString("EntityType");
            String problem = entityTypeProblem(type, seen);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            seen.add(type);
            String name = c.getString("EntityName");
            if (name != null && name.isEmpty()) {
                throw new IllegalArgumentException("An empty " + type + " name; use the default (null) instead");
            }
            String value = name == null ? QuotaEntity.DEFAULT : name;
            if (type.equals(QuotaEntity.USER)) {
                user = value;
            } else {
                clientId = value;
            }
        }
        if (seen.isEmpty()) {
            throw new IllegalArgumentException("A quota entity names a user, a client-id or both");
        }
        return new QuotaEntity(user, clientId);
    }

    private static String entityTypeProblem(String type, List<String> seen) {
        if (!QuotaEntity.USER.equals(type) && !QuotaEntity.CLIENT_ID.equals(type)) {
            return "Unsupported quota entity type '" + type + "': Sluice keeps quotas of 'user' and 'client-id'";
        }
        if (seen.contains(type)) {
            return "The entity type '" + type + "' appears twice";
        }
        return null;
    }

    private static void addEntity(Struct entry, QuotaEntity entity) {
        if (entity.user() != null) {
            entry.addStruct("Entity").set("EntityType", QuotaEntity.USER)
                    .set("EntityName", entity.user().equals(QuotaEntity.DEFAULT) ? null : entity.user());
        }
        if (entity.clientId() != null) {
            entry.addStruct("Entity").set("EntityType", QuotaEntity.CLIENT_ID)
                    .set("EntityName", entity.clientId().equals(QuotaEntity.DEFAULT) ? null : entity.clientId());
        }
    }
}

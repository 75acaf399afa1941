package dev.sluice.client.admin;

import dev.sluice.client.network.ErrorMapper;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeClientQuotas and AlterClientQuotas for {@link SluiceAdmin}: the quotas of users and
 * client ids (any broker answers). Thread-safe (stateless over {@link AdminCalls}).
 */
final class QuotaOperations {
    private final AdminCalls calls;

    QuotaOperations(AdminCalls calls) {
        this.calls = calls;
    }

    /**
     * The quotas of the entities matching {@code filter} (entity type to name; a null name matches the
     * default); every entity if empty. With {@code strict}, only entities of exactly those types.
     */
    CompletableFuture<List<ClientQuota>> describe(Map<String, String> filter, boolean strict) {
        return calls.call(ApiKey.DESCRIBE_CLIENT_QUOTAS, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.DESCRIBE_CLIENT_QUOTAS.newRequest().set("Strict", strict);
            filter.forEach((type, name) -> body.addStruct("Components").set("EntityType", type)
                    .set("MatchType", (byte) (name == null ? 1 : 0)).set("Match", name));
            return body;
        }, response -> {
            Struct body = response.body();
            if (body.getShort("ErrorCode") != 0) {
                throw ErrorMapper.toException(body.getShort("ErrorCode"), "describe client quotas: " + body.getString("ErrorMessage"));
            }
            List<ClientQuota> quotas = new ArrayList<>();
            List<Struct> entries = body.getArray("Entries");
            for (Struct entry : entries == null ? List.<Struct>of() : entries) {
                Map<String, String> entity = new LinkedHashMap<>();
                entry.getArray("Entity").forEach(e -> entity.put(e.getString("EntityType"), e.getString("EntityName")));
                Map<String, Double> values = new TreeMap<>();
                entry.getArray("Values").forEach(q -> values.put(q.getString("Key"), q.getDouble("Value")));
                quotas.add(new ClientQuota(entity, values));
            }
            return quotas;
        });
    }

    /** Sets ({@code value} non-null) and removes (null) quotas of one entity. */
    CompletableFuture<Void> alter(Map<String, String> entity, Map<String, Double> changes) {
        return calls.call(ApiKey.ALTER_CLIENT_QUOTAS, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.ALTER_CLIENT_QUOTAS.newRequest().set("ValidateOnly", false);
            Struct entry = body.addStruct("Entries");
            entity.forEach((type, name) -> entry.addStruct("Entity").set("EntityType", type).set("EntityName", name));
            changes.forEach((key, value) -> entry.addStruct("Ops").set("Key", key).set("Value", value == null ? 0.0 : value)
                    .set("Remove", value == null));
            return body;
        }, response -> {
            for (Struct entry : response.body().getArray("Entries")) {
                if (entry.getShort("ErrorCode") != 0) {
                    throw ErrorMapper.toException(entry.getShort("ErrorCode"), entry.getString("ErrorMessage"));
                }
            }
            return null;
        });
    }
}

package dev.sluice.client.network;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.EnumMap;
import java.util.Map;

/**
 * The version of each API both sides speak on one connection: the highest version in the
 * intersection of the broker's advertised range and ours (up to our latest stable version).
 */
final class ApiVersions {
    private final Map<ApiKey, Short> versions;
    private final Map<ApiKey, Short> lowest;

    private ApiVersions(Map<ApiKey, Short> versions, Map<ApiKey, Short> lowest) {
        this.versions = versions;
        this.lowest = lowest;
    }

    /** From an ApiVersions response body. */
    static ApiVersions negotiate(Struct response) {
        Map<ApiKey, Short> chosen = new EnumMap<>(ApiKey.class);
        Map<ApiKey, Short> lowest = new EnumMap<>(ApiKey.class);
        for (Struct entry : response.getArray("ApiKeys")) {
            ApiKey api = ApiKey.forId(entry.getShort("ApiKey"));
            if (api == null) {
                continue;
            }
            short high = (short) Math.min(api.latestStableVersion(), entry.getShort("MaxVersion"));
            short low = (short) Math.max(api.oldestVersion(), entry.getShort("MinVersion"));
            if (high >= low) {
                chosen.put(api, high);
                lowest.put(api, low);
            }
        }
        return new ApiVersions(chosen, lowest);
    }

    /** The version to use, or -1 if the broker and we share none. */
    short versionFor(ApiKey api) {
        Short v = versions.get(api);
        return v == null ? -1 : v;
    }

    /** The version to use at most {@code cap}, or -1 if the broker and we share none up to it. */
    short versionFor(ApiKey api, short cap) {
        Short v = versions.get(api);
        if (v == null) {
            return -1;
        }
        short capped = (short) Math.min(v, cap);
        return capped >= lowest.get(api) ? capped : -1;
    }
}

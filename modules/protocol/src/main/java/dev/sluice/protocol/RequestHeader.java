package dev.sluice.protocol;

/**
 * The header every request starts with. {@code apiKey} is the raw wire id: it may name an API
 * Sluice does not implement ({@link #api()} is then null).
 */
public record RequestHeader(short apiKey, short apiVersion, int correlationId, String clientId) {

    public RequestHeader(ApiKey api, short apiVersion, int correlationId, String clientId) {
        this(api.id(), apiVersion, correlationId, clientId);
    }

    /** The API, or null if unknown. */
    public ApiKey api() {
        return ApiKey.forId(apiKey);
    }
}

package dev.sluice.api.security;

/**
 * Why creating or deleting ACLs failed: the request was wrong ({@link Kind#INVALID_REQUEST}: Kafka's
 * INVALID_REQUEST), or the ACLs could not be stored ({@link Kind#STORE_FAILED}: UNKNOWN_SERVER_ERROR; the
 * change may or may not have happened). Immutable; any thread.
 */
public record AclChangeFailure(Kind kind, String message) {
    public enum Kind { INVALID_REQUEST, STORE_FAILED }
}

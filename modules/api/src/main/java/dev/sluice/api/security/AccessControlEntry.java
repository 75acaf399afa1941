package dev.sluice.api.security;

import java.util.Objects;

/**
 * Who may (or may not) do what from where: a principal ({@code User:alice}, or {@link #WILDCARD_PRINCIPAL}
 * for everyone), a host (an IP address, or {@link #WILDCARD_HOST}), an operation ({@link AclOperation#ALL}
 * for every one) and ALLOW or DENY. Immutable; any thread.
 */
public record AccessControlEntry(String principal, String host, AclOperation operation, AclPermissionType permission) {

    /** Matches every principal, whatever its type (Kafka's {@code User:*}). */
    public static final String WILDCARD_PRINCIPAL = "User:*";
    /** Matches every host. */
    public static final String WILDCARD_HOST = "*";

    public AccessControlEntry {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(permission, "permission");
        KafkaPrincipal.parse(principal); // Type:name or refused
        if (host.isEmpty()) {
            throw new IllegalArgumentException("an ACL's host must not be empty (use * for every host)");
        }
        if (operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
            throw new IllegalArgumentException("an ACL's operation must be concrete (got " + operation + ")");
        }
        if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
            throw new IllegalArgumentException("an ACL's permission must be ALLOW or DENY (got " + permission + ")");
        }
    }

    /** Whether this entry is about {@code who} connecting from {@code fromHost} (IP text, no leading '/'). */
    public boolean appliesTo(String who, String fromHost) {
        return (principal.equals(who) || principal.equals(WILDCARD_PRINCIPAL))
                && (host.equals(fromHost) || host.equals(WILDCARD_HOST));
    }

    @Override
    public String toString() {
        return "(principal=" + principal + ", host=" + host + ", operation=" + operation + ", permissionType=" + permission + ")";
    }
}

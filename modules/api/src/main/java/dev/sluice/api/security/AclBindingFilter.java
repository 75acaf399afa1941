package dev.sluice.api.security;

import java.util.Objects;

/**
 * Selects ACLs, as DescribeAcls and DeleteAcls do: each field either names a value or matches
 * anything ({@link ResourceType#ANY}, {@link PatternType#ANY}, {@link AclOperation#ANY},
 * {@link AclPermissionType#ANY}, or a null name, principal or host). With {@link PatternType#MATCH}
 * and a name the filter selects every ACL that applies to that concrete resource: its literal name,
 * the wildcard and every prefix of it. Immutable; any thread.
 */
public record AclBindingFilter(ResourceType resourceType, String name, PatternType patternType,
                               String principal, String host, AclOperation operation, AclPermissionType permission) {

    /** Every ACL. */
    public static final AclBindingFilter ANY = new AclBindingFilter(ResourceType.ANY, null, PatternType.ANY,
            null, null, AclOperation.ANY, AclPermissionType.ANY);

    public AclBindingFilter {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(patternType, "patternType");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(permission, "permission");
    }

    /** Why this filter cannot select anything meaningful (an UNKNOWN field), or null if it can. */
    public String problem() {
        if (resourceType == ResourceType.UNKNOWN) {
            return "unknown resource type";
        }
        if (patternType == PatternType.UNKNOWN) {
            return "unknown pattern type";
        }
        if (operation == AclOperation.UNKNOWN) {
            return "unknown operation";
        }
        if (permission == AclPermissionType.UNKNOWN) {
            return "unknown permission type";
        }
        return null;
    }

    public boolean matches(AclBinding binding) {
        return matchesPattern(binding.pattern()) && matchesEntry(binding.entry());
    }

    public boolean matchesPattern(ResourcePattern pattern) {
        if (resourceType != ResourceType.ANY && resourceType != pattern.resourceType()) {
            return false;
        }
        return switch (patternType) {
            case LITERAL, PREFIXED -> pattern.patternType() == patternType && (name == null || name.equals(pattern.name()));
            case ANY -> name == null || name.equals(pattern.name());
            case MATCH -> name == null || pattern.matches(pattern.resourceType(), name);
            case UNKNOWN -> false;
        };
    }

    public boolean matchesEntry(AccessControlEntry entry) {
        return (principal == null || principal.equals(entry.principal()))
                && (host == null || host.equals(entry.host()))
                && (operation == AclOperation.ANY || operation == entry.operation())
                && (permission == AclPermissionType.ANY || permission == entry.permission());
    }
}

package dev.sluice.api.security;

import java.util.Objects;

/**
 * The resources an ACL applies to: a type, a name and how the name matches ({@link PatternType#LITERAL}
 * or {@link PatternType#PREFIXED}). A literal {@code *} ({@link #WILDCARD_RESOURCE}) is every resource of
 * the type; the cluster resource is named {@link #CLUSTER_NAME}. Immutable; any thread.
 */
public record ResourcePattern(ResourceType resourceType, String name, PatternType patternType) {

    /** A literal name matching every resource of its type. */
    public static final String WILDCARD_RESOURCE = "*";
    /** Kafka's name of the one cluster resource. */
    public static final String CLUSTER_NAME = "kafka-cluster";

    public ResourcePattern {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(patternType, "patternType");
        if (resourceType == ResourceType.ANY || resourceType == ResourceType.UNKNOWN) {
            throw new IllegalArgumentException("an ACL's resource type must be concrete (got " + resourceType + ")");
        }
        if (!patternType.isSpecific()) {
            throw new IllegalArgumentException("an ACL's pattern type must be LITERAL or PREFIXED (got " + patternType + ")");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an ACL's resource name must not be empty");
        }
    }

    public static ResourcePattern literal(ResourceType type, String name) {
        return new ResourcePattern(type, name, PatternType.LITERAL);
    }

    public static ResourcePattern prefixed(ResourceType type, String name) {
        return new ResourcePattern(type, name, PatternType.PREFIXED);
    }

    /** Whether this pattern covers the concrete resource {@code type}/{@code resourceName}. */
    public boolean matches(ResourceType type, String resourceName) {
        if (type != resourceType) {
            return false;
        }
        return patternType == PatternType.PREFIXED ? resourceName.startsWith(name)
                : name.equals(WILDCARD_RESOURCE) || name.equals(resourceName);
    }

    @Override
    public String toString() {
        return "ResourcePattern(resourceType=" + resourceType + ", name=" + name + ", patternType=" + patternType + ")";
    }
}

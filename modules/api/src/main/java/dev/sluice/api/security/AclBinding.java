package dev.sluice.api.security;

import java.util.Objects;

/** One ACL: an entry bound to a resource pattern. Immutable; any thread. */
public record AclBinding(ResourcePattern pattern, AccessControlEntry entry) {
    public AclBinding {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(entry, "entry");
    }
}

package dev.sluice.api.security;

import java.util.List;

/** The outcome of deleting the ACLs one filter selects. */
public sealed interface AclDeleteOutcome {
    /** What the filter selected and was removed (empty if it selected nothing). */
    record Deleted(List<AclBinding> deleted) implements AclDeleteOutcome {
        public Deleted {
            deleted = List.copyOf(deleted);
        }
    }

    record Failed(AclChangeFailure failure) implements AclDeleteOutcome {
    }
}

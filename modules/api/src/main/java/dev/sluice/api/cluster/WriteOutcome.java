package dev.sluice.api.cluster;

/**
 * The outcome of a conditional write to the store. Unavailability (no session, timeouts) is not an
 * outcome but a {@link ClusterStoreException}: the caller cannot know whether the write happened.
 */
public sealed interface WriteOutcome {

    /** Written; {@code version} is the new version of the written record (0 when created). */
    record Written(int version) implements WriteOutcome {
    }

    /**
     * The lease's controller epoch is no longer current: another controller was elected. Nothing
     * was written; the caller is no longer the controller and must stop acting as one.
     */
    record Fenced(ControllerLease lease) implements WriteOutcome {
    }

    /** The record changed since the version the caller read ({@code expected}); nothing was written. */
    record VersionConflict(int expected) implements WriteOutcome {
    }

    /** The record (or the topic it belongs to) does not exist. */
    record NotFound(String what) implements WriteOutcome {
    }

    /** A record that must be new exists already. */
    record AlreadyExists(String what) implements WriteOutcome {
    }

    WriteOutcome WRITTEN_NEW = new Written(0);

    default boolean written() {
        return this instanceof Written;
    }
}

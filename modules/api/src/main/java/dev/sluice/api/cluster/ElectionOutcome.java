package dev.sluice.api.cluster;

/** What {@link ClusterMetadataStore#elect} did. */
public sealed interface ElectionOutcome {

    /** This broker is the controller now, with a controller epoch one above the previous one. */
    record Elected(ControllerLease lease) implements ElectionOutcome {
    }

    /** Another broker (or this one through an older session) is the controller. */
    record AlreadyElected(int controllerId) implements ElectionOutcome {
    }
}

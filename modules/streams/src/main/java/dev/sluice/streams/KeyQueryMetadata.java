package dev.sluice.streams;

import java.util.Set;

/**
 * Which instance holds a key of a store: the one running the key's task ({@code activeHost}), those
 * keeping a standby copy of it, and the key's partition. {@link HostInfo#UNAVAILABLE} as active host
 * while no instance runs the task (e.g. during a rebalance).
 */
public record KeyQueryMetadata(HostInfo activeHost, Set<HostInfo> standbyHosts, int partition) {
    public KeyQueryMetadata {
        standbyHosts = Set.copyOf(standbyHosts);
    }
}

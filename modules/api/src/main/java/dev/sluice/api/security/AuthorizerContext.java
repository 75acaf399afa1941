package dev.sluice.api.security;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;

import java.util.Map;
import java.util.Objects;

/**
 * What the broker hands an {@link Authorizer} at start.
 *
 * @param brokerId this broker's {@code node.id}
 * @param settings every broker setting as configured (Kafka passes its authorizer the whole broker
 *                 config too): {@code super.users}, {@code allow.everyone.if.no.acl.found} and a
 *                 plugin's own keys
 * @param store    where this broker keeps what the cluster shares (ZooKeeper in a cluster; a store of
 *                 the node's own, on disk in its first log directory, on a single node): the built-in
 *                 authorizer keeps its ACLs there ({@link ClusterMetadataStore#acls()}); a plugin with an
 *                 outside policy source may ignore it
 * @param time     the broker's clock
 */
public record AuthorizerContext(int brokerId, Map<String, String> settings, ClusterMetadataStore store, Time time) {
    public AuthorizerContext {
        settings = Map.copyOf(settings);
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(time, "time");
    }
}

package dev.sluice.api.security;

import java.util.Objects;

/**
 * What a request wants to do: an operation on one concrete resource ({@code READ} on topic
 * {@code orders}; the cluster is named {@link ResourcePattern#CLUSTER_NAME}). Immutable; any thread.
 */
public record Action(AclOperation operation, ResourceType resourceType, String resourceName) {
    public Action {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceName, "resourceName");
    }

    public static Action onCluster(AclOperation operation) {
        return new Action(operation, ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME);
    }

    @Override
    public String toString() {
        return operation.kafkaName() + " on " + resourceType.kafkaName() + ":" + resourceName;
    }
}

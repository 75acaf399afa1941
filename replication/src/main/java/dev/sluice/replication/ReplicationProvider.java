package dev.sluice.replication;

import dev.sluice.broker.replica.ReplicaFetching;
import dev.sluice.broker.replica.ReplicaFetchingProvider;

/** The broker finds the replica fetchers through this ({@code provides} in module-info, and META-INF/services). */
public final class ReplicationProvider implements ReplicaFetchingProvider {
    @Override
    public ReplicaFetching start(Context context) {
        return new ReplicaFetcherManager(context);
    }
}

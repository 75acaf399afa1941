package dev.sluice.broker.producer;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.storage.StorageException;

/**
 * Producer-id blocks reserved in the cluster metadata store (ZooKeeper's
 * {@code /latest_producer_id_block}, written conditionally), so blocks are unique across every
 * broker of the cluster. Used in cluster mode; a single node keeps {@link FileProducerIdBlockStore},
 * which is durable without a coordination service.
 * Thread-safety: callers serialise (the allocator's lock); the store itself is thread-safe.
 */
public final class ClusterProducerIdBlockStore implements ProducerIdBlockStore {

    private final ClusterMetadataStore store;
    private final int brokerId;

    public ClusterProducerIdBlockStore(ClusterMetadataStore store, int brokerId) {
        this.store = store;
        this.brokerId = brokerId;
    }

    @Override
    public ProducerIdBlock reserveNext(int size) {
        try {
            return new ProducerIdBlock(store.reserveProducerIdBlock(brokerId, size), size);
        } catch (ClusterStoreException e) {
            // the allocator's callers answer a StorageException with a retriable error
            throw new StorageException("cannot reserve producer ids in the cluster metadata store: " + e.getMessage(), e);
        }
    }
}

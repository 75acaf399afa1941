package dev.sluice.broker.producer;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.storage.StorageException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterProducerIdBlockStoreTest {

    @Test
    void twoBrokersAllocatorsNeverHandOutTheSameId() {
        InProcessClusterState cluster = new InProcessClusterState();
        try (ClusterMetadataStore a = cluster.connect(); ClusterMetadataStore b = cluster.connect()) {
            ProducerIdAllocator first = new ProducerIdAllocator(new ClusterProducerIdBlockStore(a, 1), 10);
            ProducerIdAllocator second = new ProducerIdAllocator(new ClusterProducerIdBlockStore(b, 2), 10);
            Set<Long> ids = new HashSet<>();
            for (int i = 0; i < 35; i++) {
                assertThat(ids.add(first.nextId())).isTrue();
                assertThat(ids.add(second.nextId())).isTrue();
            }
            assertThat(ids).hasSize(70);
        }
    }

    @Test
    void anUnreachableStoreIsAStorageFailure() {
        ClusterMetadataStore closed = new InProcessClusterState().connect();
        closed.close();
        ProducerIdAllocator allocator = new ProducerIdAllocator(new ClusterProducerIdBlockStore(closed, 1), 10);
        assertThatThrownBy(allocator::nextId).isInstanceOf(StorageException.class)
                .hasMessageContaining("cannot reserve producer ids");
    }
}

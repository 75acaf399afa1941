package dev.sluice.api.cluster;

import dev.sluice.api.testing.ClusterMetadataStoreContract;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-process store passes the store contract; plus what only it has. */
class InProcessMetadataStoreTest extends ClusterMetadataStoreContract {

    private final InProcessClusterState cluster = new InProcessClusterState();

    @Override
    protected ClusterMetadataStore connect() {
        return cluster.connect();
    }

    @Override
    protected void expire(ClusterMetadataStore session) {
        ((InProcessMetadataStore) session).expireSession();
    }

    @Test
    void withoutZookeeperConnectTheStoreIsInProcess() {
        try (ClusterMetadataStore store = ClusterMetadataStores.open(Map.of(), dev.sluice.api.Time.SYSTEM)) {
            assertThat(store).isInstanceOf(InProcessMetadataStore.class);
            assertThat(store.clusterId("x")).isEqualTo("x");
        }
    }

    @Test
    void withZookeeperConnectButNoZookeeperStoreInstalledItSaysWhichModuleIsMissing() {
        assertThatThrownBy(() -> ClusterMetadataStores.open(Map.of("zookeeper.connect", "127.0.0.1:1"), dev.sluice.api.Time.SYSTEM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sluice-coordination-zookeeper");
    }

    @Test
    void aClosedSessionRefusesCalls() {
        ClusterMetadataStore s = cluster.connect();
        s.close();
        assertThatThrownBy(s::liveBrokers).isInstanceOf(ClusterStoreException.class);
    }
}

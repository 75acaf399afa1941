package dev.sluice.coordination.zookeeper;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterMetadataStoreProvider;

import java.util.Map;

/** The {@code zookeeper} cluster metadata store, chosen when {@code zookeeper.connect} is set. */
public final class ZooKeeperMetadataStoreProvider implements ClusterMetadataStoreProvider {

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public ClusterMetadataStore open(Map<String, String> settings, Time time) {
        return ZooKeeperMetadataStore.connect(ZooKeeperSettings.from(settings), time);
    }
}

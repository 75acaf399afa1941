package dev.sluice.api.cluster;

import dev.sluice.api.Time;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Opens the store a broker's settings ask for. */
public final class ClusterMetadataStores {

    /** The setting that turns a broker into a member of a ZooKeeper-coordinated cluster. */
    public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";

    private ClusterMetadataStores() {
    }

    /**
     * The ZooKeeper store when {@code zookeeper.connect} is set (its module must be installed),
     * else a standalone {@link InProcessMetadataStore}.
     *
     * @throws IllegalArgumentException if {@code zookeeper.connect} is set but no ZooKeeper store is installed
     */
    public static ClusterMetadataStore open(Map<String, String> settings, Time time) {
        String connect = settings.get(ZOOKEEPER_CONNECT);
        if (connect == null || connect.isBlank()) {
            return InProcessMetadataStore.standalone();
        }
        return byName("zookeeper").open(settings, time);
    }

    /**
     * As {@link #open(Map, Time)}, but without {@code zookeeper.connect} the in-process store keeps
     * the cluster metadata in {@code localDir} across restarts, as ZooKeeper would.
     */
    public static ClusterMetadataStore open(Map<String, String> settings, Time time, java.nio.file.Path localDir) {
        String connect = settings.get(ZOOKEEPER_CONNECT);
        if (connect == null || connect.isBlank()) {
            return InProcessMetadataStore.standalone(localDir);
        }
        return byName("zookeeper").open(settings, time);
    }

    /** The installed provider with that name, or a failure listing the installed ones. */
    public static ClusterMetadataStoreProvider byName(String name) {
        List<String> installed = new ArrayList<>();
        for (ClusterMetadataStoreProvider p : ServiceLoader.load(ClusterMetadataStoreProvider.class)) {
            if (p.name().equals(name)) {
                return p;
            }
            installed.add(p.name());
        }
        throw new IllegalArgumentException("no cluster metadata store named '" + name + "' is installed"
                + (installed.isEmpty() ? "" : " (installed: " + String.join(", ", installed) + ")")
                + "; the ZooKeeper store is the module sluice-coordination-zookeeper");
    }
}

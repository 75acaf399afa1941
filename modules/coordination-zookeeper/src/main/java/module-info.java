/**
 * The cluster metadata store on Apache ZooKeeper, in Kafka's ZooKeeper-mode layout, and a
 * standalone ZooKeeper server for development ({@code sluice zookeeper}).
 */
module dev.sluice.coordination.zookeeper {
    requires transitive dev.sluice.api;
    requires zookeeper;
    requires org.slf4j;

    exports dev.sluice.coordination.zookeeper;
    exports dev.sluice.coordination.zookeeper.server;

    provides dev.sluice.api.cluster.ClusterMetadataStoreProvider
            with dev.sluice.coordination.zookeeper.ZooKeeperMetadataStoreProvider;
}

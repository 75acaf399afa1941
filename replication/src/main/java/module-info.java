/**
 * The follower side of replication: replica fetchers copy the logs of the partitions this broker
 * follows from their leaders over Kafka's Fetch, truncating where the logs diverged (KIP-101,
 * KIP-279, KIP-595's DivergingEpoch). The broker finds it through its {@code ReplicaFetchingProvider}
 * service; it talks to leaders through the client's network layer.
 */
module dev.sluice.replication {
    requires dev.sluice.broker;
    requires dev.sluice.client;
    requires dev.sluice.protocol;

    provides dev.sluice.broker.replica.ReplicaFetchingProvider with dev.sluice.replication.ReplicationProvider;
}

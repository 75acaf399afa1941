package dev.sluice.broker.api;

import dev.sluice.api.Time;
import dev.sluice.broker.control.ControlFence;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.producer.ProducerIdAllocator;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.DynamicBrokerConfig;

/**
 * What request handlers share: this node's identity and address, its partitions and the replica
 * manager over them, the broker settings in effect (DescribeConfigs, AlterConfigs), and the cluster
 * as this broker knows it.
 *
 * @param advertisedHost host clients are told to connect to
 * @param advertisedPort port clients are told to connect to
 * @param dynamicConfig  the broker's settings in effect, static and dynamic (DescribeConfigs describes
 *                       them and topic defaults by them; AlterConfigs changes the dynamic ones)
 * @param metadata       the cluster's brokers, controller and partition leadership (Metadata, DescribeCluster)
 * @param control        the epochs that fence control requests of a stale controller or broker incarnation
 * @param authorization  what handlers check before acting ({@link Authorization#NONE} without an authorizer)
 */
public record BrokerState(int nodeId, String clusterId, String advertisedHost, int advertisedPort, String rack,
                          PartitionManager partitions, ReplicaManager replicas, ProducerIdAllocator producerIds, Time time,
                          DynamicBrokerConfig dynamicConfig, MetadataCache metadata, ControlFence control,
                          Authorization authorization) {

    /** The broker's settings in effect now. */
    public BrokerConfig config() {
        return dynamicConfig.current();
    }

    /** A broker with no controller: its metadata cache holds itself alone (tests, a single node). */
    public BrokerState(int nodeId, String clusterId, String advertisedHost, int advertisedPort, String rack,
                       PartitionManager partitions, ReplicaManager replicas, ProducerIdAllocator producerIds, Time time,
                       BrokerConfig config) {
        this(nodeId, clusterId, advertisedHost, advertisedPort, rack, partitions, replicas, producerIds, time,
                DynamicBrokerConfig.fixed(config), new MetadataCache(new BrokerNode(nodeId, advertisedHost, advertisedPort, rack)),
                new ControlFence(), Authorization.NONE);
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.Time;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.producer.ProducerIdAllocator;
import dev.sluice.broker.replica.ReplicaManager;

import java.util.Map;

/**
 * What request handlers share: this node's identity and address, its partitions and the replica
 * manager over them, and the
 * static broker settings shown by DescribeConfigs.
 *
 * @param advertisedHost host clients are told to connect to
 * @param advertisedPort port clients are told to connect to
 * @param brokerSettings effective broker settings by Kafka name (for DescribeConfigs)
 */
public record BrokerState(int nodeId, String clusterId, String advertisedHost, int advertisedPort, String rack,
                          PartitionManager partitions, ReplicaManager replicas, ProducerIdAllocator producerIds, Time time,
                          Map<String, String> brokerSettings) {
}

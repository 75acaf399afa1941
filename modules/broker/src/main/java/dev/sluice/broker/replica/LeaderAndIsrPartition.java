package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;

import java.util.List;
import java.util.UUID;

/**
 * One partition's state in a controller's LeaderAndIsr request, decoded.
 *
 * @param topicId        the topic id (the zero UUID when the request version has none)
 * @param partitionEpoch the version of the partition's state (ZooKeeper's znode version): a newer
 *                       one under the same leader epoch changes only the replicas or ISR
 */
public record LeaderAndIsrPartition(TopicPartition topicPartition, UUID topicId, int leader, int leaderEpoch,
                                    List<Integer> isr, int partitionEpoch, List<Integer> replicas) {
    public LeaderAndIsrPartition {
        isr = List.copyOf(isr);
        replicas = List.copyOf(replicas);
    }
}

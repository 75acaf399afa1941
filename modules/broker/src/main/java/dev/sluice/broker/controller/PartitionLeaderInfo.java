package dev.sluice.broker.controller;

import dev.sluice.api.storage.TopicPartition;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One partition's state as a control message carries it (LeaderAndIsr / UpdateMetadata partition
 * entries): leader, leader epoch, ISR, replicas, the controller epoch that wrote the state and the
 * partition epoch (the state record's version, Kafka's zkVersion). An immutable value; any thread.
 */
public record PartitionLeaderInfo(TopicPartition partition, UUID topicId, int leader, int leaderEpoch,
                                  List<Integer> isr, List<Integer> replicas, int controllerEpoch, int partitionEpoch) {
    public PartitionLeaderInfo {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(topicId, "topicId");
        isr = List.copyOf(isr);
        replicas = List.copyOf(replicas);
    }
}

package dev.sluice.broker.controller;

import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.storage.TopicPartition;

import java.util.List;
import java.util.Objects;

/**
 * What the controller tells one broker, as Kafka's ZooKeeper-mode controller did with the
 * LeaderAndIsr, UpdateMetadata and StopReplica requests (the 3.9.1 schemas bundled in protocol).
 * Every message names the controller's id and epoch, and the broker epoch of the incarnation it is
 * meant for, so a broker refuses it as STALE_CONTROLLER_EPOCH or STALE_BROKER_EPOCH. Immutable; any thread.
 */
public sealed interface ControlMessage {

    int controllerId();

    int controllerEpoch();

    /** The epoch of the receiving broker's registration this message was built for. */
    long brokerEpoch();

    /** Become leader or follower of these partitions (only entries with a newer leader epoch take effect). */
    record LeaderAndIsr(int controllerId, int controllerEpoch, long brokerEpoch, List<PartitionLeaderInfo> partitions)
            implements ControlMessage {
        public LeaderAndIsr {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * The cluster's live brokers and these partitions' states for the broker's metadata cache;
     * {@code deleted} partitions are to be dropped from it (Kafka marks them with leader -2).
     */
    record UpdateMetadata(int controllerId, int controllerEpoch, long brokerEpoch, List<RegisteredBroker> liveBrokers,
                          List<PartitionLeaderInfo> partitions, List<TopicPartition> deleted) implements ControlMessage {
        public UpdateMetadata {
            liveBrokers = List.copyOf(liveBrokers);
            partitions = List.copyOf(partitions);
            deleted = List.copyOf(deleted);
        }
    }

    /** Stop replicating these partitions; with {@code delete} also delete their logs (topic deletion). */
    record StopReplica(int controllerId, int controllerEpoch, long brokerEpoch, List<TopicPartition> partitions,
                       boolean delete) implements ControlMessage {
        public StopReplica {
            partitions = List.copyOf(partitions);
            for (TopicPartition tp : partitions) {
                Objects.requireNonNull(tp, "partition");
            }
        }
    }
}

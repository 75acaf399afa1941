package dev.sluice.broker.controller;

import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.storage.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tells the brokers what the controller changed, through the {@link ControlChannel}: UpdateMetadata
 * to every live broker before LeaderAndIsr to the replicas (as Kafka on failover), StopReplica to a
 * deleted topic's replicas and to a broker shutting down for the partitions it follows. Every message
 * carries this controller's id and epoch and the target broker's epoch, read from the
 * {@link ControllerContext}.
 *
 * <p>Not thread-safe: only the controller's thread calls it, while this broker holds the lease.
 */
final class ChangePublisher {

    private final int brokerId;
    private final ControlChannel channel;
    private final ControllerContext context;

    ChangePublisher(int brokerId, ControlChannel channel, ControllerContext context) {
        this.brokerId = brokerId;
        this.channel = channel;
        this.context = context;
    }

    /**
     * Tells the brokers: UpdateMetadata to every live broker (the full state to {@code startedBrokers},
     * the changed partitions to the others), then LeaderAndIsr to each live replica of a changed
     * partition, and to each started broker for every partition it replicates.
     */
    void publish(Set<TopicPartition> changed, Set<Integer> startedBrokers, List<TopicPartition> deleted) {
        publish(changed, startedBrokers, deleted, false);
    }

    /**
     * Sends UpdateMetadata (the live brokers and the changed partitions) to every live broker, and
     * LeaderAndIsr for the changed partitions to their replicas; a started broker gets every partition.
     * Nothing is sent when nothing changed, unless {@code liveBrokersChanged} (Kafka's controller also
     * tells every broker of a failed one when no leader had to move).
     */
    void publish(Set<TopicPartition> changed, Set<Integer> startedBrokers, List<TopicPartition> deleted,
                 boolean liveBrokersChanged) {
        if (changed.isEmpty() && startedBrokers.isEmpty() && deleted.isEmpty() && !liveBrokersChanged) {
            return;
        }
        int controllerEpoch = context.lease.epoch();
        List<RegisteredBroker> brokers = List.copyOf(context.live.values());
        List<PartitionLeaderInfo> changedInfo = context.infos(changed);
        List<PartitionLeaderInfo> allInfo = context.infos(context.states.keySet());
        for (RegisteredBroker b : brokers) {
            boolean started = startedBrokers.contains(b.id());
            channel.send(b.id(), new ControlMessage.UpdateMetadata(brokerId, controllerEpoch, b.epoch(), brokers,
                    started ? allInfo : changedInfo, deleted));
        }
        for (RegisteredBroker b : brokers) {
            List<PartitionLeaderInfo> mine = new ArrayList<>();
            for (PartitionLeaderInfo info : startedBrokers.contains(b.id()) ? allInfo : changedInfo) {
                if (info.replicas().contains(b.id())) {
                    mine.add(info);
                }
            }
            if (!mine.isEmpty()) {
                channel.send(b.id(), new ControlMessage.LeaderAndIsr(brokerId, controllerEpoch, b.epoch(), mine));
            }
        }
    }

    /** StopReplica with delete to each live replica of a topic being deleted (fire and forget, not awaited). */
    void stopAndDeleteReplicas(String name, TopicAssignment topic) {
        Map<Integer, List<TopicPartition>> byBroker = new TreeMap<>();
        topic.replicas().forEach((p, replicas) -> {
            for (int b : replicas) {
                byBroker.computeIfAbsent(b, x -> new ArrayList<>()).add(new TopicPartition(name, p));
            }
        });
        byBroker.forEach((b, tps) -> {
            RegisteredBroker broker = context.live.get(b);
            if (broker != null) {
                channel.send(b, new ControlMessage.StopReplica(brokerId, context.lease.epoch(), broker.epoch(), tps, true));
            }
        });
    }

    /** StopReplica without delete to a broker in controlled shutdown, for the partitions it follows. */
    void stopFollowing(RegisteredBroker broker, List<TopicPartition> followed) {
        if (!followed.isEmpty()) {
            channel.send(broker.id(), new ControlMessage.StopReplica(brokerId, context.lease.epoch(), broker.epoch(),
                    followed, false));
        }
    }
}

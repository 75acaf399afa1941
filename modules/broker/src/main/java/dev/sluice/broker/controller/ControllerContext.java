package dev.sluice.broker.controller;

import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.controller.rules.PartitionLeadership;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The cluster as this controller last read or wrote it (Kafka's {@code ControllerContext}): the lease it
 * holds, the live brokers with their epochs, topic assignments, partition states with the version each
 * was read or written at, and the brokers in controlled shutdown. Filled when the broker wins the
 * election, kept current by the controller's events, emptied when it resigns; {@link #lease} is null
 * while this broker is not the controller.
 *
 * <p>The rules read it, {@link PartitionStateWriter} records what it wrote, {@link ChangePublisher}
 * tells the brokers from it. Not thread-safe: only the controller's thread touches it.
 */
final class ControllerContext {

    private static final System.Logger LOG = System.getLogger(ControllerContext.class.getName());

    /** The lease this controller's writes name; null: not the controller. */
    ControllerLease lease;
    final Map<Integer, RegisteredBroker> live = new TreeMap<>();
    final Map<String, Versioned<TopicAssignment>> topics = new TreeMap<>();
    final Map<TopicPartition, Versioned<PartitionState>> states = new TreeMap<>();
    final Set<Integer> shuttingDown = new TreeSet<>();

    /** Forgets the cluster (resigned or re-reading after a win); the lease is the caller's. */
    void clear() {
        live.clear();
        topics.clear();
        states.clear();
        shuttingDown.clear();
    }

    /** The partition states (a copy). */
    SortedMap<TopicPartition, PartitionState> partitionStates() {
        TreeMap<TopicPartition, PartitionState> copy = new TreeMap<>();
        states.forEach((tp, v) -> copy.put(tp, v.value()));
        return copy;
    }

    /** Live brokers not in controlled shutdown: the ones that may lead or join an ISR. */
    Set<Integer> eligible() {
        Set<Integer> eligible = new HashSet<>(live.keySet());
        eligible.removeAll(shuttingDown);
        return eligible;
    }

    List<Integer> replicas(TopicPartition tp) {
        Versioned<TopicAssignment> topic = topics.get(tp.topic());
        if (topic == null) {
            return List.of();
        }
        return topic.value().replicas().getOrDefault(tp.partition(), List.of());
    }

    /** The partition as the rules see it; empty if unknown or inconsistent (logged, left alone). */
    Optional<PartitionLeadership> leadership(TopicPartition tp) {
        Versioned<PartitionState> s = states.get(tp);
        List<Integer> replicas = replicas(tp);
        if (s == null || replicas.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PartitionLeadership(replicas, s.value().leader(), s.value().leaderEpoch(), s.value().isr()));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "partition {0} has an inconsistent state {1} (replicas {2}): left alone",
                    tp, s.value(), replicas);
            return Optional.empty();
        }
    }

    /** The partitions as control messages carry them; unknown ones are left out. */
    List<PartitionLeaderInfo> infos(Collection<TopicPartition> partitions) {
        List<PartitionLeaderInfo> infos = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            Versioned<PartitionState> s = states.get(tp);
            Versioned<TopicAssignment> topic = topics.get(tp.topic());
            if (s == null || topic == null) {
                continue;
            }
            PartitionState st = s.value();
            infos.add(new PartitionLeaderInfo(tp, topic.value().topicId(), st.leader(), st.leaderEpoch(), st.isr(),
                    replicas(tp), st.controllerEpoch(), s.version()));
        }
        return infos;
    }

    /** The name of the topic with this id, if known. */
    Optional<String> topicName(UUID topicId) {
        for (Versioned<TopicAssignment> topic : topics.values()) {
            if (topic.value().topicId().equals(topicId)) {
                return Optional.of(topic.value().name());
            }
        }
        return Optional.empty();
    }
}

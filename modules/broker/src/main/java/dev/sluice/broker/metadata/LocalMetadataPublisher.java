package dev.sluice.broker.metadata;

import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.partition.ReplicaAssignment;
import dev.sluice.broker.topic.TopicMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fills the metadata cache of a broker no controller manages (a single node) from the broker
 * itself: every topic of the catalogue with each partition's state derived from the local
 * partition — led here (this broker, its epoch), followed (the leader it was told), offline
 * (no leader, this broker an offline replica) or not hosted (no leader). Replicas and ISR are
 * the controller's assignment if one was given, else this broker alone. So a single node
 * answers Metadata exactly as before the cache existed.
 *
 * <p>Threads: called on the thread that changed a topic (request handlers, start-up), one at a
 * time; it takes no lock of the partition manager, which may hold its own while calling.
 */
public final class LocalMetadataPublisher {
    private final MetadataCache cache;
    private final PartitionManager partitions;

    private LocalMetadataPublisher(MetadataCache cache, PartitionManager partitions) {
        this.cache = cache;
        this.partitions = partitions;
    }

    /** Publishes every known topic now and each change from now on. */
    public static LocalMetadataPublisher attach(MetadataCache cache, PartitionManager partitions) {
        LocalMetadataPublisher publisher = new LocalMetadataPublisher(cache, partitions);
        partitions.onTopicChanged(publisher::topicChanged);
        for (TopicMetadata topic : partitions.topics().all()) {
            publisher.topicChanged(topic.name());
        }
        return publisher;
    }

    /**
     * Recomputes {@code name}'s state from the catalogue and the local partitions. Serialised, so
     * each publication is computed after the previous one was made: a thread that read an older
     * state (a delete racing a re-create) never publishes over a newer one.
     */
    public synchronized void topicChanged(String name) {
        Optional<TopicMetadata> topic = partitions.topics().get(name);
        if (topic.isEmpty()) {
            cache.publishLocal(name, null);
            return;
        }
        List<PartitionState> states = new ArrayList<>(topic.get().partitions());
        for (int p = 0; p < topic.get().partitions(); p++) {
            states.add(stateOf(p, partitions.partition(name, p)));
        }
        cache.publishLocal(name, new TopicState(name, topic.get().id(), states));
    }

    private PartitionState stateOf(int index, Optional<Partition> hosted) {
        int self = cache.self().id();
        if (hosted.isEmpty()) {
            return new PartitionState(index, PartitionState.NO_LEADER, -1, List.of(self), List.of(), List.of());
        }
        Partition partition = hosted.get();
        ReplicaAssignment assigned = partition.isr().assignment();
        List<Integer> replicas = assigned == null ? List.of(self) : assigned.replicas();
        List<Integer> isr = assigned == null ? List.of(self) : assigned.isr();
        PartitionRole role = partition.role();
        if (role instanceof PartitionRole.Leader leader) {
            return new PartitionState(index, self, leader.leaderEpoch(), replicas, isr, List.of());
        }
        if (role instanceof PartitionRole.Follower follower) {
            return new PartitionState(index, follower.leaderId(), follower.leaderEpoch(), replicas, isr, List.of());
        }
        return new PartitionState(index, PartitionState.NO_LEADER, -1, replicas, isr, List.of(self)); // offline
    }
}

package dev.sluice.broker.metadata;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/** A topic in a metadata snapshot: its name, id and the partitions known, by index. Immutable. */
public final class TopicState {
    private final String name;
    private final UUID id;
    private final NavigableMap<Integer, PartitionState> partitions;

    public TopicState(String name, UUID id, Collection<PartitionState> partitions) {
        this.name = name;
        this.id = id;
        TreeMap<Integer, PartitionState> byIndex = new TreeMap<>();
        for (PartitionState p : partitions) {
            byIndex.put(p.partition(), p);
        }
        this.partitions = Collections.unmodifiableNavigableMap(byIndex);
    }

    private TopicState(String name, UUID id, NavigableMap<Integer, PartitionState> partitions) {
        this.name = name;
        this.id = id;
        this.partitions = partitions;
    }

    public String name() {
        return name;
    }

    /** The topic id (KIP-516); the zero UUID if the controller sent none. */
    public UUID id() {
        return id;
    }

    /** The partitions in index order. */
    public Collection<PartitionState> partitions() {
        return partitions.values();
    }

    public PartitionState partition(int index) {
        return partitions.get(index);
    }

    /** This topic with {@code changes} applied (a partition whose leader is {@link PartitionState#LEADER_DURING_DELETE} is removed). */
    TopicState with(UUID newId, Map<Integer, PartitionState> changes) {
        TreeMap<Integer, PartitionState> next = new TreeMap<>(partitions);
        changes.forEach((index, state) -> {
            if (state.leader() == PartitionState.LEADER_DURING_DELETE) {
                next.remove(index);
            } else {
                next.put(index, state);
            }
        });
        UUID keptId = newId == null || newId.equals(MetadataSnapshot.ZERO_UUID) ? id : newId;
        return new TopicState(name, keptId, Collections.unmodifiableNavigableMap(next));
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    @Override
    public String toString() {
        return name + partitions.values();
    }
}

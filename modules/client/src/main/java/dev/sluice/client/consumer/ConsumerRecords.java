package dev.sluice.client.consumer;

import dev.sluice.api.storage.TopicPartition;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The records one {@link SluiceConsumer#poll} returned, in offset order per partition. */
public final class ConsumerRecords implements Iterable<ConsumerRecord> {
    private static final ConsumerRecords EMPTY = new ConsumerRecords(Map.of());

    private final Map<TopicPartition, List<ConsumerRecord>> byPartition;

    ConsumerRecords(Map<TopicPartition, List<ConsumerRecord>> byPartition) {
        this.byPartition = new LinkedHashMap<>(byPartition);
    }

    static ConsumerRecords empty() {
        return EMPTY;
    }

    public List<ConsumerRecord> records(TopicPartition partition) {
        return byPartition.getOrDefault(partition, List.of());
    }

    public Set<TopicPartition> partitions() {
        return byPartition.keySet();
    }

    public int count() {
        return byPartition.values().stream().mapToInt(List::size).sum();
    }

    public boolean isEmpty() {
        return byPartition.isEmpty();
    }

    @Override
    public Iterator<ConsumerRecord> iterator() {
        return byPartition.values().stream().flatMap(List::stream).iterator();
    }
}

package dev.sluice.broker.group;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.storage.TopicPartition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An offset store in memory: the SPI's contract without a log. */
final class MemoryOffsetStore implements OffsetStore {
    final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    final Map<String, byte[]> metadata = new ConcurrentHashMap<>();

    @Override
    public void commit(String group, Map<TopicPartition, CommittedOffset> committed) {
        offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(committed);
    }

    @Override
    public Optional<CommittedOffset> fetch(String group, TopicPartition partition) {
        return Optional.ofNullable(offsets.getOrDefault(group, Map.of()).get(partition));
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetchAll(String group) {
        return new HashMap<>(offsets.getOrDefault(group, Map.of()));
    }

    @Override
    public Set<String> groups() {
        Set<String> all = new HashSet<>(metadata.keySet());
        offsets.forEach((g, m) -> {
            if (!m.isEmpty()) {
                all.add(g);
            }
        });
        return all;
    }

    @Override
    public void delete(String group, Set<TopicPartition> partitions) {
        offsets.getOrDefault(group, new HashMap<>()).keySet().removeAll(partitions);
    }

    @Override
    public void deleteGroup(String group) {
        offsets.remove(group);
        metadata.remove(group);
    }

    @Override
    public void storeGroupMetadata(String group, byte[] data) {
        metadata.put(group, data);
    }

    @Override
    public Map<String, byte[]> loadGroupMetadata() {
        return Map.copyOf(metadata);
    }

    @Override
    public void close() {
    }
}

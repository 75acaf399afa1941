package dev.sluice.broker.partition;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One storage engine spread over several log directories ({@code log.dirs}): an engine per
 * directory, each partition in exactly one of them. A partition already stored somewhere stays
 * there; a new one goes to the directory holding the fewest partitions (first in {@code log.dirs} on a
 * tie), never to one that failed — Kafka's placement. Thread-safe: placement is a concurrent map and
 * the choice of a new partition's directory is made under this object's lock.
 */
final class SpreadEngine implements LogStorageEngine {
    private final List<LogStorageEngine> engines;
    private final Map<TopicPartition, Integer> placement = new ConcurrentHashMap<>();
    private final Set<Integer> failed = ConcurrentHashMap.newKeySet();

    /** @param engines one per log directory, in {@code log.dirs} order */
    SpreadEngine(List<LogStorageEngine> engines) {
        this.engines = List.copyOf(engines);
        for (int i = 0; i < engines.size(); i++) {
            for (TopicPartition tp : engines.get(i).partitions()) {
                placement.putIfAbsent(tp, i); // a partition found twice (copied by hand) is used where first found
            }
        }
    }

    @Override
    public Path directory() {
        return engines.get(0).directory();
    }

    @Override
    public Set<TopicPartition> partitions() {
        Set<TopicPartition> all = new HashSet<>();
        engines.forEach(e -> all.addAll(e.partitions()));
        return all;
    }

    @Override
    public LogStorage open(TopicPartition partition, LogConfig config) {
        return engines.get(indexOf(partition)).open(partition, config);
    }

    @Override
    public Map<TopicPartition, LogStorage> openAll(Map<TopicPartition, LogConfig> configs) {
        Map<Integer, Map<TopicPartition, LogConfig>> byDirectory = new HashMap<>();
        configs.forEach((tp, config) -> byDirectory.computeIfAbsent(indexOf(tp), i -> new LinkedHashMap<>()).put(tp, config));
        Map<TopicPartition, LogStorage> opened = new HashMap<>();
        byDirectory.forEach((index, some) -> opened.putAll(engines.get(index).openAll(some)));
        return opened;
    }

    @Override
    public void delete(TopicPartition partition) {
        Integer index = placement.remove(partition);
        for (int i = 0; i < engines.size(); i++) {
            if ((index != null && index == i) || engines.get(i).partitions().contains(partition)) {
                engines.get(i).delete(partition);
            }
        }
    }

    /** The index in {@code log.dirs} of the directory holding {@code partition}, chosen now if new. */
    int indexOf(TopicPartition partition) {
        Integer index = placement.get(partition);
        return index != null ? index : place(partition);
    }

    /** The directory of a partition failed: nothing new goes there. */
    void failed(TopicPartition partition) {
        Integer index = placement.get(partition);
        if (index != null) {
            failed.add(index);
        }
    }

    private synchronized int place(TopicPartition partition) {
        Integer index = placement.get(partition);
        if (index != null) {
            return index;
        }
        int[] counts = new int[engines.size()];
        placement.values().forEach(i -> counts[i]++);
        int best = -1;
        for (int i = 0; i < counts.length; i++) {
            if (!failed.contains(i) && (best < 0 || counts[i] < counts[best])) {
                best = i;
            }
        }
        best = Math.max(best, 0); // every directory failed: the first, whose partitions are offline anyway
        placement.put(partition, best);
        return best;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (LogStorageEngine engine : engines) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}

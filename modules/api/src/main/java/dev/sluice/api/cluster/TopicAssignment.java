package dev.sluice.api.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A topic's identity and replica assignment ({@code /brokers/topics/T}): partition → replica
 * broker ids, the first being the preferred leader.
 */
public record TopicAssignment(String name, UUID topicId, Map<Integer, List<Integer>> replicas) {
    public TopicAssignment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
        TreeMap<Integer, List<Integer>> copy = new TreeMap<>();
        replicas.forEach((p, r) -> {
            if (p < 0 || r.isEmpty()) {
                throw new IllegalArgumentException("topic " + name + ": partition " + p + " replicas " + r);
            }
            copy.put(p, List.copyOf(r));
        });
        for (int p = 0; p < copy.size(); p++) {
            if (!copy.containsKey(p)) {
                throw new IllegalArgumentException("topic " + name + ": partitions are not 0.." + (copy.size() - 1));
            }
        }
        replicas = java.util.Collections.unmodifiableMap(copy);
    }

    public int partitionCount() {
        return replicas.size();
    }
}

package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** The answer to "where do these new partitions go": replicas per partition id, or a Kafka error. */
public sealed interface Placement {

    /** Replicas per new partition id (each list starts with the preferred leader); immutable. */
    record Assigned(SortedMap<Integer, List<Integer>> replicas) implements Placement {
        public Assigned {
            TreeMap<Integer, List<Integer>> copy = new TreeMap<>();
            for (Map.Entry<Integer, List<Integer>> e : replicas.entrySet()) {
                copy.put(e.getKey(), List.copyOf(e.getValue()));
            }
            replicas = Collections.unmodifiableSortedMap(copy);
        }
    }

    /** Refused with the error code and message the CreateTopics / CreatePartitions response carries. */
    record Refused(Errors error, String message) implements Placement {
        public Refused {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}

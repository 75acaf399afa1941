package dev.sluice.client.admin;

import java.util.Map;
import java.util.Objects;

/** A topic to create: partitions, replication factor (-1 for the broker default) and topic configs. */
public record NewTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    public NewTopic {
        Objects.requireNonNull(name, "name");
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public NewTopic(String name, int partitions) {
        this(name, partitions, (short) -1, Map.of());
    }
}

package dev.sluice.client.consumer.assignor;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The built-in assignors by protocol name or by the kafka-clients class name users already configure. */
public final class PartitionAssignors {
    private static final Map<String, Supplier<PartitionAssignor>> BY_NAME = Map.of(
            RangeAssignor.NAME, RangeAssignor::new,
            RoundRobinAssignor.NAME, RoundRobinAssignor::new,
            CooperativeStickyAssignor.NAME, CooperativeStickyAssignor::new);
    private static final Map<String, String> KAFKA_CLASSES = Map.of(
            "org.apache.kafka.clients.consumer.RangeAssignor", RangeAssignor.NAME,
            "org.apache.kafka.clients.consumer.RoundRobinAssignor", RoundRobinAssignor.NAME,
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", CooperativeStickyAssignor.NAME);

    private PartitionAssignors() {
    }

    /** {@code range}, {@code roundrobin}, {@code cooperative-sticky}, or Kafka's class names for them. */
    public static Optional<PartitionAssignor> byName(String name) {
        String trimmed = name.trim();
        String shortName = KAFKA_CLASSES.getOrDefault(trimmed, trimmed.toLowerCase(Locale.ROOT));
        Supplier<PartitionAssignor> factory = BY_NAME.get(shortName);
        return factory == null ? Optional.empty() : Optional.of(factory.get());
    }
}

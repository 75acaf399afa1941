package dev.sluice.streams.kstream;

import dev.sluice.streams.serde.Serde;

/**
 * Serdes of a grouping (used for its repartition topic) and an optional name: the repartition topic
 * is then {@code <application.id>-<name>-repartition}.
 */
public record Grouped<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public static <K, V> Grouped<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Grouped<>(null, keySerde, valueSerde);
    }

    public static <K, V> Grouped<K, V> as(String name) {
        return new Grouped<>(name, null, null);
    }

    public Grouped<K, V> withName(String newName) {
        return new Grouped<>(newName, keySerde, valueSerde);
    }
}

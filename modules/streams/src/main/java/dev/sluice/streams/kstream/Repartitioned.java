package dev.sluice.streams.kstream;

import dev.sluice.streams.serde.Serde;

/**
 * An explicit repartition: name ({@code <application.id>-<name>-repartition}), serdes, and the
 * partition count (null: as many as the upstream input has).
 */
public record Repartitioned<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Integer partitions) {
    public static <K, V> Repartitioned<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Repartitioned<>(null, keySerde, valueSerde, null);
    }

    public static <K, V> Repartitioned<K, V> as(String name) {
        return new Repartitioned<>(name, null, null, null);
    }

    public Repartitioned<K, V> withNumberOfPartitions(int n) {
        return new Repartitioned<>(name, keySerde, valueSerde, n);
    }
}

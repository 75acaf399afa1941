package dev.sluice.streams.kstream;

import dev.sluice.streams.serde.Serde;

/** How a source topic is read: key and value serdes (null: the configured defaults). */
public record Consumed<K, V>(Serde<K> keySerde, Serde<V> valueSerde) {
    public static <K, V> Consumed<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Consumed<>(keySerde, valueSerde);
    }
}

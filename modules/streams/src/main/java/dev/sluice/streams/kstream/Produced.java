package dev.sluice.streams.kstream;

import dev.sluice.streams.serde.Serde;

/** How records are written to a topic: key and value serdes (null: the configured defaults). */
public record Produced<K, V>(Serde<K> keySerde, Serde<V> valueSerde) {
    public static <K, V> Produced<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Produced<>(keySerde, valueSerde);
    }
}

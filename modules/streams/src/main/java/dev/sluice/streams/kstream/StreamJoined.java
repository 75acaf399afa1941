package dev.sluice.streams.kstream;

import dev.sluice.streams.serde.Serde;

/** Serdes of a stream-stream join's two window stores: the key, this side's and the other side's values. */
public record StreamJoined<K, V, VO>(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde, String storeName) {
    public static <K, V, VO> StreamJoined<K, V, VO> with(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde) {
        return new StreamJoined<>(keySerde, valueSerde, otherValueSerde, null);
    }

    /** Names the stores {@code <name>-this-join-store} / {@code <name>-other-join-store}. */
    public StreamJoined<K, V, VO> withStoreName(String name) {
        return new StreamJoined<>(keySerde, valueSerde, otherValueSerde, name);
    }
}

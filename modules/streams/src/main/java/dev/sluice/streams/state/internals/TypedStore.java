package dev.sluice.streams.state.internals;

import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.StateStore;

/**
 * What every typed store over a {@link BytesStore} shares: its name, its bytes, its serdes (which
 * take the store's name as their topic), the timestamped values of {@link KeyLayout}, and the
 * expiry of layouts whose keys start with a time. The task thread writes; subclasses say who reads.
 */
abstract class TypedStore<K, V> implements StateStore {
    protected final String name;
    protected final BytesStore bytes;
    protected final Serde<K> keySerde;
    protected final Serde<V> valueSerde;

    TypedStore(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde) {
        this.name = name;
        this.bytes = bytes;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    @Override
    public String name() {
        return name;
    }

    protected final byte[] keyBytes(K key) {
        return keySerde.serialize(name, key);
    }

    protected final K key(byte[] bytes) {
        return keySerde.deserialize(name, bytes);
    }

    protected final byte[] valueBytes(V value) {
        return valueSerde.serialize(name, value);
    }

    protected final V value(byte[] bytes) {
        return valueSerde.deserialize(name, bytes);
    }

    /** {@code value} stored with {@code timestamp}; null stays null (a delete), never handed to the serde. */
    protected final byte[] timestamped(V value, long timestamp) {
        return value == null ? null : KeyLayout.timestamped(timestamp, valueBytes(value));
    }

    /** A value stored by {@link #timestamped}; null for null. */
    protected final ValueAndTimestamp<V> valueAndTimestamp(byte[] stored) {
        return stored == null ? null : new ValueAndTimestamp<>(value(KeyLayout.valueOf(stored)), KeyLayout.timestampOf(stored));
    }

    /** Deletes every entry whose key starts with a time before {@code time} (layouts led by a time). */
    protected final void deleteBefore(long time) {
        bytes.deleteRange(null, KeyLayout.time(time));
    }
}

package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A typed key-value store over a {@link BytesStore}: keys serialized, values stored with their
 * timestamp ({@link KeyLayout#timestamped}). Task thread writes; reads from any thread.
 */
public final class KeyValueStoreImpl<K, V> implements KeyValueStore<K, V> {
    private final String name;
    private final BytesStore bytes;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final LongSupplier recordTime;

    public KeyValueStoreImpl(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde, LongSupplier recordTime) {
        this.name = name;
        this.bytes = bytes;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.recordTime = recordTime;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public V get(K key) {
        ValueAndTimestamp<V> v = getWithTimestamp(key);
        return v == null ? null : v.value();
    }

    public ValueAndTimestamp<V> getWithTimestamp(K key) {
        byte[] stored = bytes.get(keySerde.serialize(name, key));
        return stored == null ? null
                : new ValueAndTimestamp<>(valueSerde.deserialize(name, KeyLayout.valueOf(stored)), KeyLayout.timestampOf(stored));
    }

    @Override
    public void put(K key, V value) {
        put(key, value, recordTime.getAsLong());
    }

    public void put(K key, V value, long timestamp) {
        bytes.put(keySerde.serialize(name, key), KeyLayout.timestamped(timestamp, valueSerde.serialize(name, value)));
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        if (old != null) {
            bytes.put(keySerde.serialize(name, key), null);
        }
        return old;
    }

    @Override
    public List<KeyValue<K, V>> range(K from, K to) {
        byte[] toBytes = to == null ? null : keySerde.serialize(name, to);
        byte[] toExclusive = toBytes == null ? null : java.util.Arrays.copyOf(toBytes, toBytes.length + 1);
        return decode(bytes.range(from == null ? null : keySerde.serialize(name, from), toExclusive));
    }

    @Override
    public List<KeyValue<K, V>> all() {
        return decode(bytes.range(null, null));
    }

    private List<KeyValue<K, V>> decode(List<KeyValue<byte[], byte[]>> entries) {
        List<KeyValue<K, V>> out = new ArrayList<>(entries.size());
        for (KeyValue<byte[], byte[]> e : entries) {
            out.add(KeyValue.pair(keySerde.deserialize(name, e.key()), valueSerde.deserialize(name, KeyLayout.valueOf(e.value()))));
        }
        return out;
    }

    @Override
    public long approximateNumEntries() {
        return bytes.count();
    }
}

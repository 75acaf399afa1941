package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A typed key-value store over a {@link BytesStore}: keys serialized, values stored with their
 * timestamp ({@link KeyLayout#timestamped}). Task thread writes; reads from any thread.
 */
public final class KeyValueStoreImpl<K, V> extends TypedStore<K, V> implements KeyValueStore<K, V> {
    private final LongSupplier recordTime;

    public KeyValueStoreImpl(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde, LongSupplier recordTime) {
        super(name, bytes, keySerde, valueSerde);
        this.recordTime = recordTime;
    }

    @Override
    public V get(K key) {
        ValueAndTimestamp<V> v = getWithTimestamp(key);
        return v == null ? null : v.value();
    }

    public ValueAndTimestamp<V> getWithTimestamp(K key) {
        return valueAndTimestamp(bytes.get(keyBytes(key)));
    }

    @Override
    public void put(K key, V value) {
        put(key, value, recordTime.getAsLong());
    }

    public void put(K key, V value, long timestamp) {
        bytes.put(keyBytes(key), timestamped(value, timestamp));
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
            bytes.put(keyBytes(key), null);
        }
        return old;
    }

    @Override
    public List<KeyValue<K, V>> range(K from, K to) {
        byte[] toBytes = to == null ? null : keyBytes(to);
        byte[] toExclusive = toBytes == null ? null : Arrays.copyOf(toBytes, toBytes.length + 1);
        return decode(bytes.range(from == null ? null : keyBytes(from), toExclusive));
    }

    @Override
    public List<KeyValue<K, V>> all() {
        return decode(bytes.range(null, null));
    }

    private List<KeyValue<K, V>> decode(List<KeyValue<byte[], byte[]>> entries) {
        List<KeyValue<K, V>> out = new ArrayList<>(entries.size());
        for (KeyValue<byte[], byte[]> e : entries) {
            out.add(KeyValue.pair(key(e.key()), value(KeyLayout.valueOf(e.value()))));
        }
        return out;
    }

    @Override
    public long approximateNumEntries() {
        return bytes.count();
    }
}

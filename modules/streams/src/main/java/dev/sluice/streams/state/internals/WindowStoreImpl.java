package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Window;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.WindowStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Fixed-size windows per key over a {@link BytesStore}, keyed {@code [start][key]} so that dropping
 * expired windows is a scan of the head. Task thread writes; reads from any thread.
 */
public final class WindowStoreImpl<K, V> implements WindowStore<K, V> {
    private final String name;
    private final BytesStore bytes;
    private final long windowSizeMs;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final LongSupplier recordTime;

    public WindowStoreImpl(String name, BytesStore bytes, long windowSizeMs, Serde<K> keySerde, Serde<V> valueSerde,
                           LongSupplier recordTime) {
        this.name = name;
        this.bytes = bytes;
        this.windowSizeMs = windowSizeMs;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.recordTime = recordTime;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(K key, V value, long windowStart) {
        put(key, value, windowStart, recordTime.getAsLong());
    }

    public void put(K key, V value, long windowStart, long timestamp) {
        bytes.put(KeyLayout.windowKey(windowStart, keySerde.serialize(name, key)),
                KeyLayout.timestamped(timestamp, valueSerde.serialize(name, value)));
    }

    @Override
    public V fetch(K key, long windowStart) {
        ValueAndTimestamp<V> v = fetchWithTimestamp(key, windowStart);
        return v == null ? null : v.value();
    }

    public ValueAndTimestamp<V> fetchWithTimestamp(K key, long windowStart) {
        byte[] stored = bytes.get(KeyLayout.windowKey(windowStart, keySerde.serialize(name, key)));
        return stored == null ? null
                : new ValueAndTimestamp<>(valueSerde.deserialize(name, KeyLayout.valueOf(stored)), KeyLayout.timestampOf(stored));
    }

    @Override
    public List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo) {
        byte[] k = keySerde.serialize(name, key);
        List<KeyValue<Long, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(KeyLayout.time(timeFrom), KeyLayout.time(timeTo + 1))) {
            if (KeyLayout.hasRecordKey(e.key(), 8, 0, k)) {
                out.add(KeyValue.pair(KeyLayout.readTime(e.key(), 0), valueSerde.deserialize(name, KeyLayout.valueOf(e.value()))));
            }
        }
        return out;
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> all() {
        List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(null, null)) {
            long start = KeyLayout.readTime(e.key(), 0);
            out.add(KeyValue.pair(new Windowed<>(keySerde.deserialize(name, KeyLayout.recordKey(e.key(), 8, 0)),
                    new Window(start, start + windowSizeMs)), valueSerde.deserialize(name, KeyLayout.valueOf(e.value()))));
        }
        return out;
    }

    /** Drops the windows starting before {@code minStart} (past retention). */
    public void expireBefore(long minStart) {
        for (KeyValue<byte[], byte[]> e : bytes.range(null, KeyLayout.time(minStart))) {
            bytes.put(e.key(), null);
        }
    }
}

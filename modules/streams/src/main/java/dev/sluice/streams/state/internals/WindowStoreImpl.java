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
public final class WindowStoreImpl<K, V> extends TypedStore<K, V> implements WindowStore<K, V> {
    private final long windowSizeMs;
    private final LongSupplier recordTime;

    public WindowStoreImpl(String name, BytesStore bytes, long windowSizeMs, Serde<K> keySerde, Serde<V> valueSerde,
                           LongSupplier recordTime) {
        super(name, bytes, keySerde, valueSerde);
        this.windowSizeMs = windowSizeMs;
        this.recordTime = recordTime;
    }

    @Override
    public void put(K key, V value, long windowStart) {
        put(key, value, windowStart, recordTime.getAsLong());
    }

    public void put(K key, V value, long windowStart, long timestamp) {
        bytes.put(KeyLayout.windowKey(windowStart, keyBytes(key)), timestamped(value, timestamp));
    }

    @Override
    public V fetch(K key, long windowStart) {
        ValueAndTimestamp<V> v = fetchWithTimestamp(key, windowStart);
        return v == null ? null : v.value();
    }

    public ValueAndTimestamp<V> fetchWithTimestamp(K key, long windowStart) {
        return valueAndTimestamp(bytes.get(KeyLayout.windowKey(windowStart, keyBytes(key))));
    }

    @Override
    public List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo) {
        byte[] k = keyBytes(key);
        List<KeyValue<Long, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(KeyLayout.time(timeFrom), KeyLayout.time(timeTo + 1))) {
            if (KeyLayout.hasRecordKey(e.key(), 8, 0, k)) {
                out.add(KeyValue.pair(KeyLayout.readTime(e.key(), 0), value(KeyLayout.valueOf(e.value()))));
            }
        }
        return out;
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> all() {
        List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(null, null)) {
            long start = KeyLayout.readTime(e.key(), 0);
            out.add(KeyValue.pair(new Windowed<>(key(KeyLayout.recordKey(e.key(), 8, 0)), new Window(start, start + windowSizeMs)),
                    value(KeyLayout.valueOf(e.value()))));
        }
        return out;
    }

    /** Drops the windows starting before {@code minStart} (past retention). */
    public void expireBefore(long minStart) {
        deleteBefore(minStart);
    }
}

package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.serde.Serde;

import java.util.ArrayList;
import java.util.List;

/**
 * The latest value of each window not yet closed, keyed {@code [end][start][key]} (as sessions) so the
 * windows that close first are at the head. Task thread only.
 */
public final class SuppressionBuffer<K, V> extends TypedStore<K, V> {

    public SuppressionBuffer(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde) {
        super(name, bytes, keySerde, valueSerde);
    }

    /** Keeps {@code value} (null: nothing to emit, the window was removed) as the window's latest. */
    public void put(Windowed<K> key, V value, long timestamp) {
        bytes.put(KeyLayout.sessionKey(key.window(), keyBytes(key.key())), timestamped(value, timestamp));
    }

    /** Removes and returns, earliest end first, the windows ending at or before {@code maxEnd}. */
    public List<Record<Windowed<K>, V>> evictUpTo(long maxEnd) {
        List<Record<Windowed<K>, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(null, KeyLayout.time(maxEnd + 1))) {
            Windowed<K> window = new Windowed<>(key(KeyLayout.recordKey(e.key(), 16, 0)), KeyLayout.sessionWindow(e.key()));
            out.add(new Record<>(window, value(KeyLayout.valueOf(e.value())), KeyLayout.timestampOf(e.value())));
            bytes.put(e.key(), null);
        }
        return out;
    }
}

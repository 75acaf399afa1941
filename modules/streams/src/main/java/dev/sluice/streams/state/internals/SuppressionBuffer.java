package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Window;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.StateStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The latest value of each window not yet closed, keyed {@code [end][start][key]} so the windows that
 * close first are at the head. Task thread only.
 */
public final class SuppressionBuffer<K, V> implements StateStore {
    private final String name;
    private final BytesStore bytes;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    public SuppressionBuffer(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde) {
        this.name = name;
        this.bytes = bytes;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    @Override
    public String name() {
        return name;
    }

    /** Keeps {@code value} (null: nothing to emit, the window was removed) as the window's latest. */
    public void put(Windowed<K> key, V value, long timestamp) {
        byte[] k = KeyLayout.sessionKey(key.window().end(), key.window().start(), keySerde.serialize(name, key.key()));
        bytes.put(k, value == null ? null : KeyLayout.timestamped(timestamp, valueSerde.serialize(name, value)));
    }

    /** Removes and returns, earliest end first, the windows ending at or before {@code maxEnd}. */
    public List<Record<Windowed<K>, V>> evictUpTo(long maxEnd) {
        List<Record<Windowed<K>, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(null, KeyLayout.time(maxEnd + 1))) {
            Window w = new Window(KeyLayout.readTime(e.key(), 8), KeyLayout.readTime(e.key(), 0));
            K key = keySerde.deserialize(name, KeyLayout.recordKey(e.key(), 16, 0));
            out.add(new Record<>(new Windowed<>(key, w), valueSerde.deserialize(name, KeyLayout.valueOf(e.value())),
                    KeyLayout.timestampOf(e.value())));
            bytes.put(e.key(), null);
        }
        return out;
    }
}

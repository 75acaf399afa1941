package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Window;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.SessionStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Sessions per key over a {@link BytesStore}, keyed {@code [end][start][key]}: finding the sessions a
 * record may join scans from the earliest end it could touch. Task thread writes; reads from any thread.
 */
public final class SessionStoreImpl<K, V> implements SessionStore<K, V> {
    private final String name;
    private final BytesStore bytes;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    public SessionStoreImpl(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde) {
        this.name = name;
        this.bytes = bytes;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEnd, long latestSessionStart) {
        byte[] k = keySerde.serialize(name, key);
        List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(KeyLayout.time(earliestSessionEnd), null)) {
            long start = KeyLayout.readTime(e.key(), 8);
            if (start <= latestSessionStart && KeyLayout.hasRecordKey(e.key(), 16, 0, k)) {
                out.add(decode(e, key));
            }
        }
        return out;
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> fetch(K key) {
        return findSessions(key, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Every session, by end time. */
    public List<KeyValue<Windowed<K>, V>> all() {
        List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(null, null)) {
            out.add(decode(e, keySerde.deserialize(name, KeyLayout.recordKey(e.key(), 16, 0))));
        }
        return out;
    }

    private KeyValue<Windowed<K>, V> decode(KeyValue<byte[], byte[]> e, K key) {
        Window w = new Window(KeyLayout.readTime(e.key(), 8), KeyLayout.readTime(e.key(), 0));
        return KeyValue.pair(new Windowed<>(key, w), valueSerde.deserialize(name, e.value()));
    }

    @Override
    public void put(Windowed<K> session, V value) {
        bytes.put(key(session), valueSerde.serialize(name, value));
    }

    @Override
    public void remove(Windowed<K> session) {
        bytes.put(key(session), null);
    }

    private byte[] key(Windowed<K> session) {
        return KeyLayout.sessionKey(session.window().end(), session.window().start(), keySerde.serialize(name, session.key()));
    }

    /** Drops sessions ending before {@code minEnd} (past retention). */
    public void expireBefore(long minEnd) {
        for (KeyValue<byte[], byte[]> e : bytes.range(null, KeyLayout.time(minEnd))) {
            bytes.put(e.key(), null);
        }
    }
}

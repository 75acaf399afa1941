package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.SessionStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Sessions per key over a {@link BytesStore}, keyed {@code [end][start][key]}: finding the sessions a
 * record may join scans from the earliest end it could touch. Task thread writes; reads from any thread.
 */
public final class SessionStoreImpl<K, V> extends TypedStore<K, V> implements SessionStore<K, V> {

    public SessionStoreImpl(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde) {
        super(name, bytes, keySerde, valueSerde);
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEnd, long latestSessionStart) {
        byte[] k = keyBytes(key);
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
            out.add(decode(e, key(KeyLayout.recordKey(e.key(), 16, 0))));
        }
        return out;
    }

    private KeyValue<Windowed<K>, V> decode(KeyValue<byte[], byte[]> e, K key) {
        return KeyValue.pair(new Windowed<>(key, KeyLayout.sessionWindow(e.key())), value(e.value()));
    }

    @Override
    public void put(Windowed<K> session, V value) {
        bytes.put(key(session), valueBytes(value));
    }

    @Override
    public void remove(Windowed<K> session) {
        bytes.put(key(session), null);
    }

    private byte[] key(Windowed<K> session) {
        return KeyLayout.sessionKey(session.window(), keyBytes(session.key()));
    }

    /** Drops sessions ending before {@code minEnd} (past retention). */
    public void expireBefore(long minEnd) {
        deleteBefore(minEnd);
    }
}

package dev.sluice.streams.state;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Windowed;

import java.util.List;

/** A session store a processor writes. */
public interface SessionStore<K, V> extends StateStore, ReadOnlySessionStore<K, V> {
    /** {@code key}'s sessions with {@code end >= earliestSessionEnd} and {@code start <= latestSessionStart}. */
    List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEnd, long latestSessionStart);

    void put(Windowed<K> session, V value);

    void remove(Windowed<K> session);
}

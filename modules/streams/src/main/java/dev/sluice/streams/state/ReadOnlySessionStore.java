package dev.sluice.streams.state;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Windowed;

import java.util.List;

/** Reads of a session store: per key, sessions [start, end] (both inclusive). */
public interface ReadOnlySessionStore<K, V> {
    /** Every session of {@code key}, by end time. */
    List<KeyValue<Windowed<K>, V>> fetch(K key);
}

package dev.sluice.streams.state;

import dev.sluice.streams.KeyValue;

import java.util.List;

/**
 * Reads of a key-value store. Ranges follow the order of the serialized keys (unsigned bytes), as in
 * Kafka Streams; results are copies taken at the call.
 */
public interface ReadOnlyKeyValueStore<K, V> {
    /** The value of {@code key}, or null. */
    V get(K key);

    /** Entries with {@code from <= key <= to} (bounds by serialized bytes; null: unbounded). */
    List<KeyValue<K, V>> range(K from, K to);

    List<KeyValue<K, V>> all();

    long approximateNumEntries();
}

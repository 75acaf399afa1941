package dev.sluice.streams.state;

/** A key-value store a processor writes; every change also goes to the store's changelog. */
public interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
    /** Sets {@code key} to {@code value}; null deletes. */
    void put(K key, V value);

    /** Puts only if there is no value; returns the existing one, else null. */
    V putIfAbsent(K key, V value);

    /** Deletes {@code key}, returning its old value. */
    V delete(K key);
}

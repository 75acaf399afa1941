package dev.sluice.streams.state;

/** A window store a processor writes. */
public interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
    /** Sets the window of {@code key} starting at {@code windowStart}; null deletes. */
    void put(K key, V value, long windowStart);
}

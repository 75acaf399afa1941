package dev.sluice.streams.state;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Windowed;

import java.util.List;

/** Reads of a store of fixed-size windows per key (what a windowed aggregation keeps). */
public interface ReadOnlyWindowStore<K, V> {
    /** The value of {@code key}'s window starting at {@code windowStart}, or null. */
    V fetch(K key, long windowStart);

    /** {@code key}'s windows starting in {@code [timeFrom, timeTo]}, by start time: (start, value). */
    List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo);

    /** Every window, by start time. */
    List<KeyValue<Windowed<K>, V>> all();
}

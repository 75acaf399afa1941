package dev.sluice.streams.processor;

import dev.sluice.api.record.Header;

import java.util.List;

/**
 * A record flowing between processors: key, value, timestamp (the input record's, unless a processor
 * sets another) and headers. Immutable; the {@code with*} methods return changed copies.
 */
public record Record<K, V>(K key, V value, long timestamp, List<Header> headers) {
    public Record {
        headers = headers == null ? List.of() : headers;
    }

    public Record(K key, V value, long timestamp) {
        this(key, value, timestamp, List.of());
    }

    public <NK> Record<NK, V> withKey(NK newKey) {
        return new Record<>(newKey, value, timestamp, headers);
    }

    public <NV> Record<K, NV> withValue(NV newValue) {
        return new Record<>(key, newValue, timestamp, headers);
    }

    public Record<K, V> withTimestamp(long newTimestamp) {
        return new Record<>(key, value, newTimestamp, headers);
    }
}

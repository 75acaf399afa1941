package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.serde.Serde;

import java.util.ArrayList;
import java.util.List;

/**
 * One side of a stream-stream join: every record kept (duplicates too) for the join window, keyed
 * {@code [timestamp][key][sequence]}. Task thread only.
 */
public final class JoinBuffer<K, V> extends TypedStore<K, V> {
    private int sequence;

    public JoinBuffer(String name, BytesStore bytes, Serde<K> keySerde, Serde<V> valueSerde) {
        super(name, bytes, keySerde, valueSerde);
    }

    public void put(K key, V value, long timestamp) {
        // the sequence only separates duplicates of one key and time; after a restore it restarts, and
        // a collision would replace a restored duplicate, so start past what is stored
        if (sequence == 0) {
            sequence = (int) Math.min(Integer.MAX_VALUE, bytes.count()) + 1;
        }
        bytes.put(KeyLayout.joinKey(timestamp, keyBytes(key), sequence++), valueBytes(value));
    }

    /** {@code key}'s records with timestamps in {@code [from, to]}: (timestamp, value), by timestamp. */
    public List<KeyValue<Long, V>> fetch(K key, long from, long to) {
        byte[] k = keyBytes(key);
        List<KeyValue<Long, V>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : bytes.range(KeyLayout.time(from), KeyLayout.time(to + 1))) {
            if (KeyLayout.hasRecordKey(e.key(), 8, 4, k)) {
                out.add(KeyValue.pair(KeyLayout.readTime(e.key(), 0), value(e.value())));
            }
        }
        return out;
    }

    public void expireBefore(long minTimestamp) {
        deleteBefore(minTimestamp);
    }
}

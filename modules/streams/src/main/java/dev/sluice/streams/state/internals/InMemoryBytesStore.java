package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link BytesStore} on the heap. A concurrent sorted map, so interactive queries from other threads
 * read it safely while the task thread writes.
 */
public final class InMemoryBytesStore implements BytesStore {
    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    @Override
    public List<KeyValue<byte[], byte[]>> range(byte[] from, byte[] toExclusive) {
        NavigableMap<byte[], byte[]> view = map;
        if (from != null && toExclusive != null) {
            if (Arrays.compareUnsigned(from, toExclusive) >= 0) {
                return List.of();
            }
            view = map.subMap(from, true, toExclusive, false);
        } else if (from != null) {
            view = map.tailMap(from, true);
        } else if (toExclusive != null) {
            view = map.headMap(toExclusive, false);
        }
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : view.entrySet()) {
            out.add(KeyValue.pair(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public long count() {
        return map.size();
    }

    @Override
    public void flush() {
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void close() {
        map.clear();
    }
}

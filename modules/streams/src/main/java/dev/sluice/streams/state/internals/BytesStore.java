package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;

import java.util.ArrayList;
import java.util.List;

/**
 * The storage under every store: byte keys in unsigned lexicographic order to byte values. Typed
 * stores lay their keys out on it; the changelog and restoration work on these bytes. Used by the
 * thread running the task that owns it (and interactive queries, which implementations tolerate).
 */
public interface BytesStore extends AutoCloseable {
    byte[] get(byte[] key);

    /** Sets {@code key}; a null value deletes it. */
    void put(byte[] key, byte[] value);

    /** Entries with {@code from <= key < toExclusive} (null: unbounded), in key order, copied. */
    List<KeyValue<byte[], byte[]>> range(byte[] from, byte[] toExclusive);

    /**
     * Applies {@code entries} in order, as {@link #put} would (null values delete): how restoration and
     * standbys apply a poll of changelog records. A store may make them one write (LMDB: one transaction
     * instead of one per record).
     */
    default void putAll(List<KeyValue<byte[], byte[]>> entries) {
        for (KeyValue<byte[], byte[]> e : entries) {
            put(e.key(), e.value());
        }
    }

    /**
     * Deletes the entries with {@code from <= key < toExclusive} (null: unbounded) through
     * {@link #putAll}: one write on LMDB, and a logged store logs every deletion.
     */
    default void deleteRange(byte[] from, byte[] toExclusive) {
        List<KeyValue<byte[], byte[]>> entries = range(from, toExclusive);
        if (entries.isEmpty()) {
            return;
        }
        List<KeyValue<byte[], byte[]>> deletions = new ArrayList<>(entries.size());
        entries.forEach(e -> deletions.add(KeyValue.pair(e.key(), null)));
        putAll(deletions);
    }

    long count();

    /** Makes every put durable (a no-op in memory). */
    void flush();

    /** Whether the data survives a restart of the instance (so restoration may start from a checkpoint). */
    boolean persistent();

    @Override
    void close();
}

package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;

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
     * Deletes the entries with {@code from <= key < toExclusive} (null: unbounded), each through
     * {@link #put}, so a logged store logs every deletion.
     */
    default void deleteRange(byte[] from, byte[] toExclusive) {
        for (KeyValue<byte[], byte[]> e : range(from, toExclusive)) {
            put(e.key(), null);
        }
    }

    long count();

    /** Makes every put durable (a no-op in memory). */
    void flush();

    /** Whether the data survives a restart of the instance (so restoration may start from a checkpoint). */
    boolean persistent();

    @Override
    void close();
}

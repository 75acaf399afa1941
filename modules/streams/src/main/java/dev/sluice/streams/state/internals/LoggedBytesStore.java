package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Sends every change of the store it wraps to the changelog (after applying it locally), stamped with
 * the timestamp of the record being processed. Restoration writes to {@link #inner()} directly, so
 * replayed changes are not logged again. Task thread only.
 */
public final class LoggedBytesStore implements BytesStore {
    private final BytesStore inner;
    private final ChangeLogger logger;
    private final LongSupplier timestamp;

    public LoggedBytesStore(BytesStore inner, ChangeLogger logger, LongSupplier timestamp) {
        this.inner = inner;
        this.logger = logger;
        this.timestamp = timestamp;
    }

    public BytesStore inner() {
        return inner;
    }

    @Override
    public byte[] get(byte[] key) {
        return inner.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        inner.put(key, value);
        logger.log(key, value, timestamp.getAsLong());
    }

    /** Applied as one write of the inner store, then every change logged. */
    @Override
    public void putAll(List<KeyValue<byte[], byte[]>> entries) {
        inner.putAll(entries);
        long ts = timestamp.getAsLong();
        for (KeyValue<byte[], byte[]> e : entries) {
            logger.log(e.key(), e.value(), ts);
        }
    }

    @Override
    public List<KeyValue<byte[], byte[]>> range(byte[] from, byte[] toExclusive) {
        return inner.range(from, toExclusive);
    }

    @Override
    public long count() {
        return inner.count();
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public void close() {
        inner.close();
    }
}

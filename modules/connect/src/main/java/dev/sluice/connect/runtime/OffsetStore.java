package dev.sluice.connect.runtime;

import java.util.Map;

/**
 * Where source tasks' offsets are kept: per connector, the latest offset of each source partition.
 * Standalone: {@link FileOffsetStore}; distributed: a compacted topic. Thread-safe.
 */
public interface OffsetStore extends AutoCloseable {

    /** The committed offset of {@code partition}, or null. */
    Map<String, Object> get(String connector, Map<String, ?> partition);

    /** Stores the offsets (source partition → offset); durable when it returns. */
    void put(String connector, Map<Map<String, ?>, Map<String, ?>> offsets);

    @Override
    default void close() {
    }
}

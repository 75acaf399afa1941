package dev.sluice.api.storage;

import java.util.Objects;

/**
 * One cleaning of one log.
 *
 * @param nowMs              the cleaner's clock: the delete horizon of new tombstones starts here
 * @param upperBoundOffset   nothing at or after this offset is touched (the last stable offset: every
 *                           transaction below it is decided, so aborted records can be told apart)
 * @param minCompactionLagMs a record is cleaned only once its batch's largest timestamp is this old
 * @param deleteRetentionMs  how long tombstones stay after the first cleaning that saw them
 * @param maxKeys            how many distinct keys the dedupe map may hold
 *                           ({@code log.cleaner.dedupe.buffer.size} / 24 bytes per entry): a dirty part with more
 *                           keys is cleaned up to where the map filled, the rest next time
 * @param throttle           told about every byte read and written, so the cleaner can keep to
 *                           {@code log.cleaner.io.max.bytes.per.second}; an exception it throws
 *                           abandons the cleaning (nothing of it becomes visible)
 */
public record CompactionRequest(long nowMs, long upperBoundOffset, long minCompactionLagMs, long deleteRetentionMs,
                                long maxKeys, IoThrottle throttle) {

    /** Paces the cleaner's reads and writes. */
    @FunctionalInterface
    public interface IoThrottle {
        IoThrottle NONE = bytes -> {
        };

        /** Called with the bytes just read or about to be written; may sleep. */
        void bytesProcessed(long bytes);
    }

    public CompactionRequest {
        Objects.requireNonNull(throttle, "throttle");
        if (minCompactionLagMs < 0 || deleteRetentionMs < 0 || maxKeys < 1) {
            throw new IllegalArgumentException("lag and retention must be >= 0 and maxKeys >= 1");
        }
    }

    /** A request with no throttle and a map of a million keys. */
    public static CompactionRequest at(long nowMs, long upperBoundOffset, long minCompactionLagMs, long deleteRetentionMs) {
        return new CompactionRequest(nowMs, upperBoundOffset, minCompactionLagMs, deleteRetentionMs, 1 << 20, IoThrottle.NONE);
    }
}

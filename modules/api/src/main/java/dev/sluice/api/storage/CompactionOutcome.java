package dev.sluice.api.storage;

/** What a {@link LogCompaction#compact} call did. */
public sealed interface CompactionOutcome {

    /** Nothing cleanable: no dirty record below the cleanable end. */
    record NothingToClean(long firstDirtyOffset) implements CompactionOutcome {
    }

    /** The log changed under the cleaning (truncated, restarted, closed): nothing was changed. */
    record Aborted(String reason) implements CompactionOutcome {
    }

    /**
     * The log is cleaned up to {@code firstDirtyOffset} (exclusive), which is durable.
     *
     * @param bytesRead         bytes read from the log (both passes)
     * @param bytesWritten      bytes written for the cleaned part
     * @param keys              distinct keys of the dirty part that were indexed
     * @param recordsRemoved    records dropped (older values, expired tombstones, aborted records)
     * @param tombstonesRemoved tombstones among them
     * @param markersRemoved    transaction markers removed (their transactions had no record left)
     * @param sizeBefore        bytes of the cleaned range before
     * @param sizeAfter         bytes of the cleaned range after
     */
    record Cleaned(long firstDirtyOffset, long bytesRead, long bytesWritten, long keys, long recordsRemoved,
                   long tombstonesRemoved, long markersRemoved, long sizeBefore, long sizeAfter) implements CompactionOutcome {
    }
}

package dev.sluice.api.storage;

/**
 * Optional capability of a {@link LogStorage}: log compaction (Kafka's log cleaner, the storage
 * half). A backend offers it through {@link LogStorage#compaction()}; a plugin that does not
 * simply keeps the default (none), and compacted topics on it keep every record.
 *
 * <p>Compaction keeps, below a cleanable end offset, only the latest record of every key:
 * offsets are kept (so there are gaps) and so is the order; batches stay v2 with their leader
 * epoch, producer id/epoch and sequences; the last batch of every producer is kept (emptied if
 * need be) so idempotent deduplication goes on working; a tombstone (a record with a null value)
 * is kept until {@code delete.retention.ms} after the first cleaning that saw it (Kafka's
 * KIP-534 delete horizon, stored in the batch). Records at or after the active segment (for a
 * backend with segments), the caller's upper bound or the first record younger than
 * {@code min.compaction.lag.ms} are never touched. Transactions: the caller's upper bound is the
 * last stable offset, so every transaction below it is decided; records of aborted transactions
 * (the log's aborted-transaction index) go, committed ones are cleaned like any other, a marker
 * goes once its transaction has no batch left and a delete horizon passed, and an index entry
 * once its records are gone (see {@link dev.sluice.api.storage.compaction.Compactor}).
 *
 * <p>Threads: one cleaner thread at a time per log ({@link #compact}); it runs alongside the
 * log's writer and readers. A change that invalidates the cleaning (truncation, a log restarted
 * elsewhere, close) makes it {@link CompactionOutcome.Aborted}: nothing of it becomes visible.
 * Crash safety: after a crash at any step the log reopens either as before the cleaning or as
 * after it, never with a record lost or duplicated.
 */
public interface LogCompaction {

    /**
     * Offset below which the log has been cleaned at least once (the cleaner's checkpoint, kept
     * durable by the storage); the log start if it was never cleaned.
     */
    long firstDirtyOffset();

    /**
     * What a cleaning could clean now: the clean and dirty byte counts behind the dirty ratio and
     * the end of the cleanable part, under {@code minCompactionLagMs} at {@code nowMs} and below
     * {@code upperBoundOffset} (the high watermark or last stable offset).
     */
    CleanableSection cleanableSection(long nowMs, long minCompactionLagMs, long upperBoundOffset);

    /** Cleans the log as {@code request} says; see the interface for what is kept. */
    CompactionOutcome compact(CompactionRequest request);
}

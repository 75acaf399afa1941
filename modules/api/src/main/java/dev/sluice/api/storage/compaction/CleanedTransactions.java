package dev.sluice.api.storage.compaction;

import dev.sluice.api.record.EndTxnMarker;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.AbortedTxn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which transaction each batch of one scan of the log belongs to (Kafka's
 * {@code CleanedTransactionMetadata}): fed every batch of the scan in offset order, it says whether
 * a data batch is part of an aborted transaction (the aborted-transaction index knows; a
 * transactional batch not in it is committed, since the cleaner stays below the last stable
 * offset) and whether a marker may go because none of its transaction's batches was seen in this
 * scan. An abort marker whose records are all gone also takes its index entry with it
 * ({@link #entriesToRemove()}): no read_committed consumer needs it any more.
 *
 * <p>One scan, one thread.
 */
final class CleanedTransactions {
    /** An aborted transaction the scan is inside of, and whether one of its batches was seen. */
    private static final class Aborted {
        final AbortedTxn entry;
        boolean batchSeen;

        Aborted(AbortedTxn entry) {
            this.entry = entry;
        }
    }

    /** Index entries not yet reached, by first offset. */
    private final Deque<AbortedTxn> pending;
    private final Map<Long, Aborted> ongoingAborted = new HashMap<>();
    private final Set<Long> ongoingCommitted = new HashSet<>();
    private final Set<Long> entriesToRemove = new HashSet<>();
    private boolean started;

    /** @param entries the log's aborted-transaction index, every entry the scan may meet */
    CleanedTransactions(List<AbortedTxn> entries) {
        List<AbortedTxn> byFirstOffset = new ArrayList<>(entries);
        byFirstOffset.sort(Comparator.comparingLong(AbortedTxn::firstOffset));
        this.pending = new ArrayDeque<>(byFirstOffset);
    }

    /**
     * A data batch of the scan. True if it belongs to an aborted transaction: its records are
     * never a key's latest value and may all go.
     */
    boolean onDataBatch(RecordBatch batch) {
        reach(batch);
        if (!batch.isTransactional()) {
            return false;
        }
        Aborted aborted = ongoingAborted.get(batch.producerId());
        if (aborted != null) {
            aborted.batchSeen = true;
            return true;
        }
        ongoingCommitted.add(batch.producerId());
        return false;
    }

    /**
     * A control batch of the scan. True if no batch of its transaction was seen in this scan (the
     * marker protects nothing any more, and may go once its delete horizon passed).
     */
    boolean onControlBatch(RecordBatch batch) {
        reach(batch);
        if (batch.recordCount() == 0) {
            return true;
        }
        long producerId = batch.producerId();
        int type = EndTxnMarker.typeOf(batch);
        if (type == EndTxnMarker.ABORT) {
            Aborted aborted = ongoingAborted.remove(producerId);
            if (aborted != null && aborted.batchSeen) {
                return false; // records of it are still (or were until this scan) in the log
            }
            if (aborted != null) {
                entriesToRemove.add(aborted.entry.lastOffset());
            }
            return true;
        }
        if (type == EndTxnMarker.COMMIT) {
            return !ongoingCommitted.remove(producerId);
        }
        return false;
    }

    /** Markers (offsets) of the index entries this scan found without a record left. */
    Set<Long> entriesToRemove() {
        return entriesToRemove;
    }

    private void reach(RecordBatch batch) {
        if (!started) {
            // entries whose marker lies before the scan's first batch concern none of its batches
            started = true;
            pending.removeIf(entry -> entry.lastOffset() < batch.baseOffset());
        }
        while (!pending.isEmpty() && pending.peekFirst().firstOffset() <= batch.lastOffset()) {
            AbortedTxn entry = pending.pollFirst();
            ongoingAborted.putIfAbsent(entry.producerId(), new Aborted(entry));
        }
    }
}

package dev.sluice.storage.lmdb.log;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.AbortedTxnList;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.lmdb.env.LmdbEnvironment;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What takes batches out of an {@link LmdbLog}: truncation at the end (a follower's divergence), a
 * full restart at any offset, and the oldest batches (DeleteRecords, retention, per batch: LMDB has
 * no segments). Each is one write transaction removing the batches with their time index entries,
 * epochs, aborted-transaction entries and the partition metadata; the log publishes the new state
 * only after the commit ({@link LmdbLog#published}).
 *
 * <p>Threads: the log's single writer. The fields are the last transaction's results, set inside
 * it (a transaction rerun after the map grew sets them again).
 */
final class LmdbLogTruncation {
    private static final System.Logger LOG = System.getLogger(LmdbLogTruncation.class.getName());

    private final LmdbLog log;
    private final LmdbEnvironment env;
    private final LogTables tables;
    private final int id;
    private final TopicPartition partition;
    private final Pruning pruning;

    private List<EpochEntry> pendingEpochs;
    private long pendingMaxTimestamp;

    LmdbLogTruncation(LmdbLog log, LmdbEnvironment env, LogTables tables, int id, TopicPartition partition) {
        this.log = log;
        this.env = env;
        this.tables = tables;
        this.id = id;
        this.partition = partition;
        this.pruning = new Pruning(tables, id);
    }

    /** See {@link LmdbLog#truncateTo}. */
    void truncateTo(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("cannot truncate to negative offset " + offset);
        }
        if (offset >= log.logEndOffset()) {
            return;
        }
        if (offset <= log.logStartOffset()) {
            truncateFullyAndStartAt(offset);
            return;
        }
        long start = log.logStartOffset();
        List<EpochEntry> epochs = log.epochs();
        AbortedTxnList abortedTxns = log.abortedTxns();
        env.write(txn -> {
            log.checkOpen(); // inside the transaction: ordered against a delete's drop
            log.removingBatches();
            pruning.fromBack(txn, offset);
            long newEnd = pruning.endOfRemaining < 0 ? start : pruning.endOfRemaining;
            pendingEpochs = EpochHistory.truncateFromEnd(epochs, newEnd);
            storeEpochsIfChanged(txn, epochs);
            if (abortedTxns.lastMarkerOffset() >= newEnd) {
                tables.storeAbortedTxns(txn, id, keep(abortedTxns, e -> e.lastOffset() < newEnd));
            }
            tables.putMeta(txn, id, start, newEnd, log.sizeInBytes() - pruning.freedBytes);
            try (TimeIndex index = new TimeIndex(tables, txn, id)) {
                pendingMaxTimestamp = index.maxTimestamp();
            }
            return null;
        });
        long newEnd = pruning.endOfRemaining < 0 ? start : pruning.endOfRemaining;
        log.published(start, newEnd, log.sizeInBytes() - pruning.freedBytes, pendingEpochs, pendingMaxTimestamp);
        LOG.log(System.Logger.Level.INFO, "{0}: truncated to offset {1}", partition, newEnd);
    }

    /** See {@link LmdbLog#truncateFullyAndStartAt}. */
    void truncateFullyAndStartAt(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("cannot restart the log at negative offset " + offset);
        }
        List<EpochEntry> epochs = log.epochs();
        AbortedTxnList abortedTxns = log.abortedTxns();
        env.write(txn -> {
            log.checkOpen();
            log.removingBatches();
            pruning.all(txn);
            pendingEpochs = List.of();
            storeEpochsIfChanged(txn, epochs);
            if (abortedTxns.size() > 0) {
                tables.storeAbortedTxns(txn, id, List.of());
            }
            tables.putMeta(txn, id, offset, offset, 0);
            return null;
        });
        log.published(offset, offset, 0, pendingEpochs, TimeIndex.NONE);
        LOG.log(System.Logger.Level.INFO, "{0}: truncated fully, restarting at offset {1}", partition, offset);
    }

    /** See {@link LmdbLog#deleteRecordsBefore}. */
    long deleteRecordsBefore(long offset) {
        long end = log.logEndOffset();
        if (offset > end) {
            throw new OffsetOutOfRangeException("cannot delete records before " + offset + ": the log of " + partition
                    + " ends at " + end);
        }
        if (offset <= log.logStartOffset()) {
            return log.logStartOffset();
        }
        deleteFromFront(() -> batch -> batch.lastOffset() < offset, offset);
        return offset;
    }

    /** The oldest batches {@code retention.ms} and {@code retention.bytes} let go; how many. */
    int enforceRetention(LogConfig config, long nowMs) {
        if (config.retentionMs() < 0 && config.retentionBytes() < 0) {
            return 0;
        }
        int deleted = deleteFromFront(() -> new RetentionRule(config, nowMs, log.sizeInBytes()), -1);
        if (deleted > 0) {
            LOG.log(System.Logger.Level.INFO, "{0}: retention deleted {1} batches, log now starts at {2}",
                    partition, deleted, log.logStartOffset());
        }
        return deleted;
    }

    /**
     * Deletes the oldest batches {@code rule} allows and moves the log start to {@code newStart}
     * (DeleteRecords) or, if that is -1, to the first batch left (or the log end if none is).
     * The rule is made afresh for each run of the transaction: a stateful one must not carry
     * state from an attempt that was rolled back because the map was full.
     */
    private int deleteFromFront(Supplier<Pruning.Rule> rule, long newStart) {
        long end = log.logEndOffset();
        long oldStart = log.logStartOffset();
        List<EpochEntry> epochs = log.epochs();
        AbortedTxnList abortedTxns = log.abortedTxns();
        env.write(txn -> {
            log.checkOpen(); // inside the transaction: ordered against a delete's drop
            pruning.fromFront(txn, rule.get());
            long start = startAfterPruning(newStart, oldStart, end);
            if (start == oldStart && pruning.deletedBatches == 0) {
                pendingEpochs = epochs;
                return null; // nothing changed: the commit writes nothing
            }
            log.removingBatches();
            pendingEpochs = EpochHistory.truncateFromStart(epochs, start);
            storeEpochsIfChanged(txn, epochs);
            // an abort whose marker is below the log start concerns no record a fetch can still read
            if (abortedTxns.size() > 0 && abortedTxns.toList().get(0).lastOffset() < start) {
                tables.storeAbortedTxns(txn, id, keep(abortedTxns, e -> e.lastOffset() >= start));
            }
            tables.putMeta(txn, id, start, end, log.sizeInBytes() - pruning.freedBytes);
            return null;
        });
        // the kept time index entry still bounds what is left
        log.published(startAfterPruning(newStart, oldStart, end), end, log.sizeInBytes() - pruning.freedBytes, pendingEpochs,
                log.maxTimestampSoFar());
        return pruning.deletedBatches;
    }

    private long startAfterPruning(long requested, long oldStart, long end) {
        long start = requested >= 0 ? requested : pruning.firstRemaining >= 0 ? pruning.firstRemaining : end;
        return Math.max(oldStart, start);
    }

    private void storeEpochsIfChanged(Txn<ByteBuffer> txn, List<EpochEntry> epochs) {
        if (pendingEpochs != epochs) {
            tables.storeEpochs(txn, id, pendingEpochs);
        }
    }

    /** The aborted-transaction entries {@code rule} keeps (the table is rewritten with them: rare). */
    private static List<AbortedTxn> keep(AbortedTxnList abortedTxns, Predicate<AbortedTxn> rule) {
        return abortedTxns.toList().stream().filter(rule).toList();
    }
}

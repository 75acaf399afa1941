package dev.sluice.broker.partition;

import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A partition's future replica (Kafka's term): the copy of its log in the directory it moves to,
 * filled from the current log in the background through the storage SPI only (so it works for
 * every engine), batch bytes unchanged with their offsets, leader epochs, log start and
 * aborted-transaction entries. It follows truncations of the current log that
 * {@link RelocatableLog} reports, and restarts from scratch when the current log was rewritten
 * under it (emptied and restarted elsewhere, or a batch it holds replaced by a compaction
 * already under way when the move began).
 *
 * <p>Threads: {@link #copy} and {@link #catchUp} on the mover thread only; {@link #sourceTruncatedTo}
 * from the writer of the current log; {@link #cancelled} from any.
 */
final class FutureLog {
    /** A truncation point meaning: the current log was emptied; copy everything again. */
    static final long RESTART = Long.MIN_VALUE;
    private static final long NONE = Long.MAX_VALUE;
    private static final int LOG_OVERHEAD = 12;
    private static final int HEADER = RecordBatch.RECORDS_COUNT_OFFSET + 4;

    private final TopicPartition partition;
    private final int source;
    private final int destination;
    private final LogStorage log;
    private final AtomicLong truncatedTo = new AtomicLong(RESTART); // the first step starts the copy afresh
    /** Aborted-transaction entries with a marker at or after this offset are not copied yet. */
    private long abortsFrom;
    volatile boolean cancelled;

    FutureLog(TopicPartition partition, int source, int destination, LogStorage log) {
        this.partition = partition;
        this.source = source;
        this.destination = destination;
        this.log = log;
    }

    TopicPartition partition() {
        return partition;
    }

    /** Index in {@code log.dirs} of the directory the partition moves from. */
    int source() {
        return source;
    }

    /** Index in {@code log.dirs} of the directory the partition moves to. */
    int destination() {
        return destination;
    }

    LogStorage log() {
        return log;
    }

    /** The current log was truncated to {@code offset} ({@link #RESTART}: emptied): the copy follows on its next step. */
    void sourceTruncatedTo(long offset) {
        truncatedTo.accumulateAndGet(offset, Math::min);
    }

    /** Offsets the copy is behind the current log (DescribeLogDirs' OffsetLag). */
    long lag(LogStorage current) {
        return Math.max(0, current.logEndOffset() - log.logEndOffset());
    }

    /**
     * Copies at most about {@code maxBytes} (at least one batch) from {@code current}, first
     * following what changed there since the last step; returns the bytes copied, 0 if the copy
     * has everything the current log had when it looked.
     */
    int copy(LogStorage current, int maxBytes) {
        followTruncation(current);
        long start = current.logStartOffset();
        if (log.logEndOffset() < start) {
            restart(current); // retention or DeleteRecords passed the copy's end: what it has is gone
        } else if (log.logStartOffset() < start && log.logEndOffset() > log.logStartOffset()) {
            log.deleteRecordsBefore(start);
        }
        long from = log.logEndOffset();
        long end = current.logEndOffset();
        assignEpochs(current, from);
        if (from >= end) {
            return 0;
        }
        ByteBuffer batches;
        try {
            batches = current.read(from, end, maxBytes, true).toBuffer();
        } catch (OffsetOutOfRangeException e) {
            return 0; // the log start moved meanwhile: the next step follows it
        } catch (IOException e) {
            throw new StorageException("cannot read " + partition + " to copy it", e);
        }
        int p = batches.position();
        int limit = batches.limit();
        while (p + HEADER <= limit) {
            long base = batches.getLong(p + RecordBatch.BASE_OFFSET_OFFSET);
            long last = base + batches.getInt(p + RecordBatch.LAST_OFFSET_DELTA_OFFSET);
            if (last >= from) {
                if (base < from) { // the first batch reaches back before the copy's end
                    if (log.logEndOffset() != log.logStartOffset()) {
                        restart(current); // rewritten under the copy
                        return 0;
                    }
                    log.truncateFullyAndStartAt(base); // the log start lies inside this batch
                    abortsFrom = base;
                }
                break;
            }
            p += LOG_OVERHEAD + batches.getInt(p + RecordBatch.LENGTH_OFFSET);
        }
        if (p + HEADER > limit) {
            return 0;
        }
        batches.position(p);
        int bytes = batches.remaining();
        try {
            log.appendWithOffsets(batches);
        } catch (InvalidRecordException e) {
            if (truncatedTo.get() == NONE) {
                throw e;
            }
            return 0; // read while the current log was truncated: the next step follows the truncation
        }
        if (log.logStartOffset() < start) {
            log.deleteRecordsBefore(start);
        }
        copyAbortedTransactions(current);
        return bytes;
    }

    /**
     * Copies what is left (the caller holds the current log's gate, so nothing changes there) and
     * makes the copy durable: afterwards it holds exactly the current log.
     */
    void catchUp(LogStorage current) {
        while (true) {
            int copied = copy(current, 1 << 20);
            long behind = current.logEndOffset() - log.logEndOffset();
            if (behind <= 0 && truncatedTo.get() == NONE) {
                break;
            }
            if (copied == 0 && behind > 0 && log.logEndOffset() >= current.logStartOffset()) {
                throw new IllegalStateException("the copy of " + partition + " stops at " + log.logEndOffset()
                        + " short of the log end " + current.logEndOffset());
            }
        }
        long start = current.logStartOffset();
        if (log.logStartOffset() < start) {
            log.deleteRecordsBefore(start);
        }
        assignEpochs(current, Long.MAX_VALUE);
        copyAbortedTransactions(current);
        if (log.logEndOffset() != current.logEndOffset() || log.logStartOffset() != current.logStartOffset()) {
            throw new IllegalStateException("the copy of " + partition + " holds [" + log.logStartOffset() + ", "
                    + log.logEndOffset() + ") instead of [" + current.logStartOffset() + ", " + current.logEndOffset() + ")");
        }
        log.flush();
    }

    private void followTruncation(LogStorage current) {
        long offset = truncatedTo.getAndSet(NONE);
        if (offset == RESTART) {
            restart(current);
        } else if (offset != NONE && offset < log.logEndOffset()) {
            log.truncateTo(offset);
            abortsFrom = Math.min(abortsFrom, offset);
        }
    }

    private void restart(LogStorage current) {
        long start = current.logStartOffset();
        log.truncateFullyAndStartAt(start);
        abortsFrom = start;
    }

    /** Records the current log's epochs that start at or before {@code upTo} and are newer than the copy's latest. */
    private void assignEpochs(LogStorage current, long upTo) {
        List<EpochEntry> mine = log.epochs();
        int latest = mine.isEmpty() ? -1 : mine.get(mine.size() - 1).epoch();
        for (EpochEntry entry : current.epochs()) {
            if (entry.epoch() > latest && entry.startOffset() <= upTo) {
                try {
                    log.assignEpochStartOffset(entry.epoch(), entry.startOffset());
                } catch (UnsupportedOperationException noEpochs) {
                    return;
                }
                latest = entry.epoch();
            }
        }
    }

    /** Entries arrive right after their marker: one whose marker is copied but not yet indexed comes next step. */
    private void copyAbortedTransactions(LogStorage current) {
        long end = log.logEndOffset();
        try {
            for (AbortedTxn entry : current.abortedTransactions(abortsFrom, Long.MAX_VALUE)) {
                if (entry.lastOffset() >= end) {
                    break;
                }
                log.appendAbortedTransaction(entry);
                abortsFrom = entry.lastOffset() + 1;
            }
        } catch (UnsupportedOperationException noIndex) {
            // a storage without the index has nothing to copy
        }
    }
}

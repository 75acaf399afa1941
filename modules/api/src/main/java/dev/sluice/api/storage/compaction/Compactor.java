package dev.sluice.api.storage.compaction;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.record.RetainedBatchWriter;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one cleaning, shared by every backend, which only feeds it batches and stores what
 * it decides (Kafka's Cleaner, lean):
 * <ol>
 *   <li>{@link #seeBatchHeader} with every batch from the log start to the log end: the last batch
 *       of each producer, which must stay (emptied if need be) for idempotent deduplication;</li>
 *   <li>{@link #index} with the dirty batches in order, until it answers false (the dedupe map is
 *       full): each key's latest offset;</li>
 *   <li>{@link #clean} with every batch from the log start up to {@link #indexedEnd()}: keep,
 *       drop, or replace by what is left of it; then the backend keeps only the aborted-transaction
 *       entries {@link #keepsAbortedTxn} accepts.</li>
 * </ol>
 * A record is kept if no later record has its key; a tombstone only until the delete horizon
 * stored in its batch (set to now + {@code delete.retention.ms} by the first cleaning that keeps
 * it), a record without a key never. Transactions (Kafka's rules; the cleaner stays below the
 * last stable offset, so every transaction it sees is decided): records of an aborted transaction
 * (the aborted-transaction index says which) index nothing and go; committed ones are records like
 * any other. A marker stays while any batch of its transaction is in the log; the first cleaning
 * that finds none gives it a delete horizon as it does a tombstone, and a later one past that
 * horizon removes it, so a read_committed consumer that read the transaction's records also sees
 * its marker. An abort marker's index entry goes when its records are gone. A producer's last data
 * batch and, if it is its last batch of all, its marker stay (epoch and sequences for the
 * producer-state rebuild). One cleaning, one thread.
 */
public final class Compactor {

    /** What to do with a batch. */
    public sealed interface Decision {
        /** Keep the batch's bytes as they are. */
        record Keep() implements Decision {
        }

        /** Remove the batch. */
        record Drop() implements Decision {
        }

        /** Replace the batch by {@code batch} (same base offset). */
        record Replace(ByteBuffer batch) implements Decision {
        }
    }

    private static final Decision KEEP = new Decision.Keep();
    private static final Decision DROP = new Decision.Drop();

    private final CompactionRequest request;
    private final KeyOffsetMap map;
    private final CompressionCodecs codecs = CompressionCodecs.installed();
    /** Base offset of each producer's last batch of any kind. */
    private final Map<Long, Long> lastBatchOfProducer = new HashMap<>();
    /** Base offset of each producer's last data batch. */
    private final Map<Long, Long> lastDataBatchOfProducer = new HashMap<>();
    /** Transactions as pass 1 meets them (from the first dirty batch). */
    private final CleanedTransactions indexing;
    /** Transactions as pass 2 meets them (from the log start). */
    private final CleanedTransactions cleaning;
    private long indexedEnd = -1;
    private long recordsRemoved;
    private long tombstonesRemoved;
    private long markersRemoved;

    /**
     * @param expectedKeys an upper bound of the keys the dirty part can hold (its record count),
     *                     so a small log does not allocate the whole dedupe buffer
     * @param abortedTxns  the log's aborted-transaction index, every entry (in any order)
     */
    public Compactor(CompactionRequest request, long expectedKeys, List<AbortedTxn> abortedTxns) {
        this.request = request;
        this.map = new KeyOffsetMap((int) Math.max(1, Math.min(Math.min(request.maxKeys(), expectedKeys), 1 << 28)));
        this.indexing = new CleanedTransactions(abortedTxns);
        this.cleaning = new CleanedTransactions(abortedTxns);
    }

    /** Pass 1a: a batch header anywhere in the log, oldest first. */
    public void seeBatchHeader(RecordBatch batch) {
        if (batch.producerId() >= 0) {
            lastBatchOfProducer.put(batch.producerId(), batch.baseOffset());
            if (!batch.isControl()) {
                lastDataBatchOfProducer.put(batch.producerId(), batch.baseOffset());
            }
        }
    }

    /**
     * Pass 1b: a dirty batch, in order. False if the map has no room for all its keys: the
     * cleaning then ends before this batch ({@link #indexedEnd()}), the rest waits for the next.
     */
    public boolean index(RecordBatch batch) {
        if (batch.isControl()) {
            indexing.onControlBatch(batch);
            indexedEnd = batch.nextOffset();
            return true;
        }
        if (indexing.onDataBatch(batch) || batch.recordCount() == 0) {
            indexedEnd = batch.nextOffset(); // an aborted record never shadows a committed one
            return true;
        }
        if (!map.hasRoomFor(batch.recordCount())) {
            if (map.size() == 0) {
                throw new IllegalStateException("a batch of " + batch.recordCount() + " records does not fit the dedupe map of "
                        + map.maxKeys() + " keys: raise log.cleaner.dedupe.buffer.size");
            }
            return false;
        }
        for (Record record : RecordBatches.records(batch, codecs)) {
            if (record.key() != null) {
                map.put(record.key(), record.offset());
            }
        }
        indexedEnd = batch.nextOffset();
        return true;
    }

    /** Offset after the last indexed batch: the first dirty offset after this cleaning; -1 if nothing was indexed. */
    public long indexedEnd() {
        return indexedEnd;
    }

    public int keys() {
        return map.size();
    }

    /** Pass 2: a batch below {@link #indexedEnd()}, in offset order from the log start. */
    public Decision clean(RecordBatch batch) {
        if (batch.isControl()) {
            return cleanMarker(batch);
        }
        boolean aborted = cleaning.onDataBatch(batch);
        boolean lastOfProducer = batch.producerId() >= 0
                && lastDataBatchOfProducer.getOrDefault(batch.producerId(), -1L) == batch.baseOffset();
        if (batch.recordCount() == 0) {
            return lastOfProducer ? KEEP : DROP;
        }
        if (aborted) {
            recordsRemoved += batch.recordCount();
            return lastOfProducer ? new Decision.Replace(RetainedBatchWriter.write(batch, List.of(),
                    batch.hasDeleteHorizon() ? batch.baseTimestamp() : -1, codecs)) : DROP;
        }
        List<Record> records = RecordBatches.records(batch, codecs);
        List<Record> retained = new ArrayList<>(records.size());
        boolean tombstoneKept = false;
        long now = request.nowMs();
        for (Record record : records) {
            if (record.key() == null || map.get(record.key()) > record.offset()) {
                recordsRemoved++;
            } else if (record.value() == null && batch.hasDeleteHorizon() && now >= batch.baseTimestamp()) {
                recordsRemoved++;
                tombstonesRemoved++;
            } else {
                tombstoneKept |= record.value() == null;
                retained.add(record);
            }
        }
        boolean needsHorizon = tombstoneKept && !batch.hasDeleteHorizon();
        if (retained.size() == records.size() && !needsHorizon) {
            return KEEP;
        }
        if (retained.isEmpty() && !lastOfProducer) {
            return DROP;
        }
        long horizon = batch.hasDeleteHorizon() ? batch.baseTimestamp()
                : needsHorizon ? saturatedAdd(now, request.deleteRetentionMs()) : -1;
        return new Decision.Replace(RetainedBatchWriter.write(batch, retained, horizon, codecs));
    }

    /**
     * A transaction marker stays while its transaction has a batch left; then it gets a delete
     * horizon, and goes once that passed. A producer's last batch, if a marker, always stays (its
     * epoch fences zombies after a rebuild of the producer state).
     */
    private Decision cleanMarker(RecordBatch batch) {
        boolean alone = cleaning.onControlBatch(batch);
        boolean lastOfProducer = batch.producerId() >= 0
                && lastBatchOfProducer.getOrDefault(batch.producerId(), -1L) == batch.baseOffset();
        if (!alone || lastOfProducer) {
            return KEEP;
        }
        if (batch.hasDeleteHorizon()) {
            if (request.nowMs() >= batch.baseTimestamp()) {
                markersRemoved++;
                return DROP;
            }
            return KEEP;
        }
        long horizon = saturatedAdd(request.nowMs(), request.deleteRetentionMs());
        return new Decision.Replace(RetainedBatchWriter.write(batch, RecordBatches.records(batch, codecs), horizon, codecs));
    }

    /**
     * After pass 2 over the batches up to and including {@code entry}'s marker: whether the
     * aborted-transaction index keeps it. It goes once none of its records is left (its marker may
     * stay a while longer: a marker without an entry is harmless to consumers, the reverse is not).
     */
    public boolean keepsAbortedTxn(AbortedTxn entry) {
        return !cleaning.entriesToRemove().contains(entry.lastOffset());
    }

    /** The outcome once the backend stored the cleaned part. */
    public CompactionOutcome.Cleaned outcome(long bytesRead, long bytesWritten, long sizeBefore, long sizeAfter) {
        return new CompactionOutcome.Cleaned(indexedEnd, bytesRead, bytesWritten, map.size(), recordsRemoved,
                tombstonesRemoved, markersRemoved, sizeBefore, sizeAfter);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}

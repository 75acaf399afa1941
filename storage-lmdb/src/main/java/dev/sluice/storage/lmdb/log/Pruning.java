package dev.sluice.storage.lmdb.log;

import dev.sluice.api.record.RecordBatch;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;

/**
 * Deleting batches inside a write transaction: from the front (retention, DeleteRecords) or from
 * the back (truncation), with the time index kept in step. Retention works per batch rather than
 * per segment (LMDB has no segments), so it removes exactly what the policy allows. Reused by
 * the log's single writer; the fields describe the last call.
 */
final class Pruning {
    /** Decides, oldest first, whether a batch may go; the first "no" stops the deletion. */
    interface Rule {
        boolean deletable(RecordBatch batch);
    }

    private final LogTables tables;
    private final int id;

    int deletedBatches;
    long freedBytes;
    /** Base offset of the first batch left, or -1 if none is left (after {@link #fromFront}). */
    long firstRemaining;
    /** Offset after the last batch left, or -1 if none is left (after {@link #fromBack}). */
    long endOfRemaining;

    Pruning(LogTables tables, int id) {
        this.tables = tables;
        this.id = id;
    }

    /** Deletes the oldest batches while {@code rule} allows. */
    void fromFront(Txn<ByteBuffer> txn, Rule rule) {
        deletedBatches = 0;
        freedBytes = 0;
        firstRemaining = -1;
        try (BatchCursor cursor = new BatchCursor(tables, txn, id)) {
            boolean more = cursor.seekFirst();
            while (more) {
                RecordBatch batch = cursor.batch();
                if (!rule.deletable(batch)) {
                    firstRemaining = batch.baseOffset();
                    break;
                }
                freedBytes += batch.sizeInBytes();
                deletedBatches++;
                cursor.delete();
                more = cursor.next(); // LMDB leaves the cursor on the following batch: NEXT returns it
            }
        }
        if (deletedBatches > 0) {
            try (TimeIndex index = new TimeIndex(tables, txn, id)) {
                index.trimBelow(firstRemaining < 0 ? Long.MAX_VALUE : firstRemaining);
            }
        }
    }

    /** Deletes every batch that holds {@code offset} or anything after it. */
    void fromBack(Txn<ByteBuffer> txn, long offset) {
        deletedBatches = 0;
        freedBytes = 0;
        endOfRemaining = -1;
        long cut = -1;
        try (BatchCursor cursor = new BatchCursor(tables, txn, id)) {
            boolean more = cursor.seekContaining(offset);
            if (more) {
                cut = cursor.baseOffset();
            }
            while (more) {
                freedBytes += cursor.bytes().remaining();
                deletedBatches++;
                cursor.delete();
                more = cursor.next();
            }
            if (cursor.seekLast()) {
                endOfRemaining = cursor.batch().nextOffset();
            }
        }
        if (cut >= 0) {
            try (TimeIndex index = new TimeIndex(tables, txn, id)) {
                index.truncateFrom(cut);
            }
        }
    }

    /** Deletes every batch and time index entry of the partition. */
    void all(Txn<ByteBuffer> txn) {
        deletedBatches = LogTables.deleteRange(txn, tables.batches, id);
        LogTables.deleteRange(txn, tables.timeIndex, id);
        freedBytes = -1;
    }
}

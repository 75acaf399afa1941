package dev.sluice.storage.lmdb.log;

import dev.sluice.api.record.RecordBatch;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;

/**
 * A cursor over one partition's batches in key (= offset) order. The current batch is a
 * flyweight over LMDB's memory: valid until the cursor moves or the transaction ends.
 */
final class BatchCursor implements AutoCloseable {
    private final Cursor<ByteBuffer> cursor;
    private final int id;
    private final RecordBatch batch = new RecordBatch();

    BatchCursor(LogTables tables, Txn<ByteBuffer> txn, int id) {
        this.cursor = tables.batches.openCursor(txn);
        this.id = id;
    }

    /** The batch that contains {@code offset}, or else the first one after it; false if there is none. */
    boolean seekContaining(long offset) {
        boolean any = cursor.get(Keys.batch(id, offset), GetOp.MDB_SET_RANGE);
        if (any && inPartition() && baseOffset() == offset) {
            return true;
        }
        boolean before = any ? cursor.prev() : cursor.last();
        if (before && inPartition() && batch().lastOffset() >= offset) {
            return true;
        }
        // offset falls in a gap (or before the first batch): the next batch is the answer
        return cursor.get(Keys.batch(id, offset), GetOp.MDB_SET_RANGE) && inPartition();
    }

    boolean seekFirst() {
        return cursor.get(Keys.prefix(id), GetOp.MDB_SET_RANGE) && inPartition();
    }

    boolean seekLast() {
        boolean after = cursor.get(Keys.prefix(id + 1), GetOp.MDB_SET_RANGE);
        return (after ? cursor.prev() : cursor.last()) && inPartition();
    }

    /** Moves to the next batch of the partition; false at its end. Also right after {@link #delete()}. */
    boolean next() {
        return cursor.next() && inPartition();
    }

    long baseOffset() {
        return Keys.batchBaseOffset(cursor.key());
    }

    /** The current batch (header fields, records). */
    RecordBatch batch() {
        return batch.wrap(cursor.val(), 0);
    }

    /** The current batch's bytes, position 0 to limit. */
    ByteBuffer bytes() {
        return cursor.val();
    }

    /** Deletes the current batch; {@link #next()} then moves to the batch that followed it. */
    void delete() {
        cursor.delete();
    }

    private boolean inPartition() {
        return Keys.id(cursor.key()) == id;
    }

    @Override
    public void close() {
        cursor.close();
    }
}

package dev.sluice.storage.lmdb.log;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;

/**
 * A partition's time index: an entry {@code (t, o)} for each batch {@code o} whose max timestamp
 * {@code t} is larger than every earlier batch's, so entries grow in both timestamp and offset.
 * The first entry at or above a timestamp then names the first batch that can hold a record at
 * or after it: one range seek, as Kafka's time index does with a binary search.
 *
 * <p>When the log start moves up, entries below it go except the last one: it still bounds the
 * batches after it (they are all older than the next entry), so lookups stay correct; a lookup
 * that lands on it simply starts scanning at the log start.
 */
final class TimeIndex implements AutoCloseable {
    /** Returned when there is no entry. */
    static final long NONE = Long.MIN_VALUE;

    private final Dbi<ByteBuffer> db;
    private final Txn<ByteBuffer> txn;
    private final Cursor<ByteBuffer> cursor;
    private final int id;

    TimeIndex(LogTables tables, Txn<ByteBuffer> txn, int id) {
        this.db = tables.timeIndex;
        this.txn = txn;
        this.cursor = db.openCursor(txn);
        this.id = id;
    }

    static void add(LogTables tables, Txn<ByteBuffer> txn, int id, long timestamp, long offset) {
        tables.timeIndex.put(txn, Keys.time(id, timestamp, offset), EMPTY_VALUE);
    }

    /** Entries carry no value; LMDB only reads the (zero) length, so one shared buffer serves every thread. */
    /** Entries carry no value; LMDB only reads its (zero) length, so one shared buffer serves every thread. */
    private static final ByteBuffer EMPTY_VALUE = ByteBuffer.allocateDirect(0);

    /** Offset of the first batch whose max timestamp is {@code >= timestamp}, or {@link #NONE}. */
    long firstOffsetAtOrAfter(long timestamp) {
        if (cursor.get(Keys.time(id, timestamp, 0), GetOp.MDB_SET_RANGE) && inPartition()) {
            return Keys.timeOffset(cursor.key());
        }
        return NONE;
    }

    /** Positions on the last entry: the log's max timestamp so far. False if the index is empty. */
    boolean seekLast() {
        boolean after = cursor.get(Keys.prefix(id + 1), GetOp.MDB_SET_RANGE);
        return (after ? cursor.prev() : cursor.last()) && inPartition();
    }

    long timestamp() {
        return Keys.timeTimestamp(cursor.key());
    }

    long offset() {
        return Keys.timeOffset(cursor.key());
    }

    /** The largest timestamp indexed, or {@link #NONE}. */
    long maxTimestamp() {
        return seekLast() ? timestamp() : NONE;
    }

    /** Drops entries for batches at or after {@code offset} (truncation). */
    void truncateFrom(long offset) {
        while (seekLast() && offset() >= offset) {
            cursor.delete();
        }
    }

    /** Drops entries below {@code firstBatch} but the last of them (see the class comment). */
    void trimBelow(long firstBatch) {
        int below = 0;
        for (boolean more = seekFirst(); more && offset() < firstBatch; more = next()) {
            below++;
        }
        if (below > 1) {
            seekFirst();
            for (int i = 0; i < below - 1; i++) {
                cursor.delete();
                cursor.next();
            }
        }
    }

    /** Removes every entry (the log was emptied). */
    void clear() {
        LogTables.deleteRange(txn, db, id);
    }

    private boolean seekFirst() {
        return cursor.get(Keys.prefix(id), GetOp.MDB_SET_RANGE) && inPartition();
    }

    private boolean next() {
        return cursor.next() && inPartition();
    }

    private boolean inPartition() {
        return Keys.id(cursor.key()) == id;
    }

    @Override
    public void close() {
        cursor.close();
    }
}

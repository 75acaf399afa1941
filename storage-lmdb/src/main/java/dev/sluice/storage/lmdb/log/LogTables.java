package dev.sluice.storage.lmdb.log;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.lmdb.env.LmdbEnvironment;
import dev.sluice.storage.lmdb.env.Scratch;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The six LMDB databases that hold every partition log of a directory (layouts in {@link Keys}),
 * and the small whole-record operations on them: the catalogue of partitions, their metadata,
 * their epochs, their aborted-transaction index, and dropping a partition. Batches and the time index have their own cursors
 * ({@link BatchCursor}, {@link TimeIndex}).
 */
public final class LogTables {
    public static final String BATCHES = "batches";
    public static final String TIME_INDEX = "time-index";
    public static final String EPOCHS = "epochs";
    public static final String META = "meta";
    public static final String PARTITIONS = "partitions";
    public static final String ABORTED_TXNS = "aborted-txns";

    /** Every database the log storage needs, for opening the environment (a missing one is created). */
    public static final String[] ALL = {BATCHES, TIME_INDEX, EPOCHS, META, PARTITIONS, ABORTED_TXNS};

    /** The meta key (an id no partition gets) under which the next partition id is kept. */
    static final int NEXT_ID = -1;

    final Dbi<ByteBuffer> batches;
    final Dbi<ByteBuffer> timeIndex;
    final Dbi<ByteBuffer> epochs;
    final Dbi<ByteBuffer> meta;
    final Dbi<ByteBuffer> partitions;
    final Dbi<ByteBuffer> abortedTxns;

    public LogTables(LmdbEnvironment env) {
        this.batches = env.db(BATCHES);
        this.timeIndex = env.db(TIME_INDEX);
        this.epochs = env.db(EPOCHS);
        this.meta = env.db(META);
        this.partitions = env.db(PARTITIONS);
        this.abortedTxns = env.db(ABORTED_TXNS);
    }

    // ---------------------------------------------------------------- catalogue

    /** Every partition and its id. */
    public Map<TopicPartition, Integer> loadCatalogue(Txn<ByteBuffer> txn) {
        Map<TopicPartition, Integer> found = new HashMap<>();
        try (Cursor<ByteBuffer> cursor = partitions.openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                String name = StandardCharsets.UTF_8.decode(cursor.key()).toString();
                found.put(TopicPartition.parse(name), cursor.val().getInt(0));
            }
        }
        return found;
    }

    /** Registers a new, empty partition log under {@code id}; ids above it stay free for later partitions. */
    public void create(Txn<ByteBuffer> txn, TopicPartition partition, int id) {
        partitions.put(txn, nameKey(partition), Scratch.value().putInt(id).flip());
        putMeta(txn, id, 0, 0, 0);
        meta.put(txn, Keys.prefix(NEXT_ID), Scratch.value().putInt(id + 1).flip());
    }

    /**
     * The id for the next new partition: never one used before, even by a deleted partition
     * (its rows are gone, but an id that is never handed out again cannot expose anything that
     * was left behind). Directories written before the counter existed fall back to the highest
     * id found in any table.
     */
    public int nextId(Txn<ByteBuffer> txn, Map<TopicPartition, Integer> catalogue) {
        int next = catalogue.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        ByteBuffer stored = meta.get(txn, Keys.prefix(NEXT_ID));
        if (stored != null) {
            next = Math.max(next, stored.getInt(0));
        }
        for (Dbi<ByteBuffer> db : new Dbi[] {batches, timeIndex, epochs, meta, abortedTxns}) {
            for (int id : ids(txn, db)) {
                next = Math.max(next, id + 1);
            }
        }
        return next;
    }

    /**
     * Deletes the rows of every id that is not in the catalogue (left by a delete that an append
     * raced before deletes and appends were ordered by the write transaction). Returns the ids removed.
     */
    public List<Integer> removeOrphans(Txn<ByteBuffer> txn, Map<TopicPartition, Integer> catalogue) {
        java.util.Set<Integer> known = new java.util.HashSet<>(catalogue.values());
        java.util.Set<Integer> removed = new java.util.TreeSet<>();
        for (Dbi<ByteBuffer> db : new Dbi[] {batches, timeIndex, epochs, meta, abortedTxns}) {
            for (int id : ids(txn, db)) {
                if (!known.contains(id)) {
                    deleteRange(txn, db, id);
                    removed.add(id);
                }
            }
        }
        return List.copyOf(removed);
    }

    /** The distinct partition ids with rows in {@code db}, jumping from one id's range to the next (the counter's key excluded). */
    private static List<Integer> ids(Txn<ByteBuffer> txn, Dbi<ByteBuffer> db) {
        List<Integer> ids = new ArrayList<>();
        try (Cursor<ByteBuffer> cursor = db.openCursor(txn)) {
            boolean more = cursor.first();
            while (more) {
                int id = Keys.id(cursor.key());
                if (id == NEXT_ID) {
                    break; // 0xFFFFFFFF sorts last, and there is no range past it
                }
                ids.add(id);
                more = cursor.get(Keys.prefix(id + 1), GetOp.MDB_SET_RANGE);
            }
        }
        return ids;
    }

    /** Removes a partition and all its data in one transaction. */
    public void drop(Txn<ByteBuffer> txn, TopicPartition partition, int id) {
        partitions.delete(txn, nameKey(partition));
        deleteRange(txn, meta, id); // the metadata and the cleaner's checkpoint
        deleteRange(txn, batches, id);
        deleteRange(txn, timeIndex, id);
        deleteRange(txn, epochs, id);
        deleteRange(txn, abortedTxns, id);
    }

    private static ByteBuffer nameKey(TopicPartition partition) {
        byte[] name = partition.dirName().getBytes(StandardCharsets.UTF_8);
        if (name.length > Scratch.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("partition name longer than " + Scratch.MAX_KEY_BYTES + " bytes: " + partition);
        }
        return Scratch.key().put(name).flip();
    }

    /** Deletes every key of partition {@code id} in {@code db}. */
    static int deleteRange(Txn<ByteBuffer> txn, Dbi<ByteBuffer> db, int id) {
        int deleted = 0;
        try (Cursor<ByteBuffer> cursor = db.openCursor(txn)) {
            boolean more = cursor.get(Keys.prefix(id), GetOp.MDB_SET_RANGE);
            while (more && Keys.id(cursor.key()) == id) {
                cursor.delete();
                deleted++;
                more = cursor.next(); // after a delete LMDB's cursor already sits on the following key: NEXT returns it
            }
        }
        return deleted;
    }

    // ---------------------------------------------------------------- metadata

    PartitionMeta meta(Txn<ByteBuffer> txn, int id) {
        ByteBuffer value = meta.get(txn, Keys.prefix(id));
        if (value == null) {
            throw new StorageException("partition id " + id + " has no metadata: the LMDB environment is inconsistent");
        }
        return PartitionMeta.read(value);
    }

    void putMeta(Txn<ByteBuffer> txn, int id, long logStart, long logEnd, long size) {
        ByteBuffer key = Keys.prefix(id);
        meta.put(txn, key, PartitionMeta.encode(logStart, logEnd, size));
    }

    /** The cleaner's first dirty offset, or 0 if the partition was never cleaned. */
    long firstDirty(Txn<ByteBuffer> txn, int id) {
        ByteBuffer value = meta.get(txn, Keys.cleanerCheckpoint(id));
        return value == null ? 0 : value.getLong(0);
    }

    void putFirstDirty(Txn<ByteBuffer> txn, int id, long offset) {
        meta.put(txn, Keys.cleanerCheckpoint(id), Scratch.value().putLong(offset).flip());
    }

    // ---------------------------------------------------------------- epochs

    List<EpochEntry> loadEpochs(Txn<ByteBuffer> txn, int id) {
        List<EpochEntry> entries = new ArrayList<>();
        try (Cursor<ByteBuffer> cursor = epochs.openCursor(txn)) {
            boolean more = cursor.get(Keys.prefix(id), GetOp.MDB_SET_RANGE);
            while (more && Keys.id(cursor.key()) == id) {
                entries.add(new EpochEntry(Keys.epochOf(cursor.key()), cursor.val().getLong(0)));
                more = cursor.next();
            }
        }
        return List.copyOf(entries);
    }

    /** Replaces the partition's epoch history (it changes rarely: on leader changes and truncation). */
    void storeEpochs(Txn<ByteBuffer> txn, int id, List<EpochEntry> entries) {
        deleteRange(txn, epochs, id);
        for (EpochEntry entry : entries) {
            ByteBuffer key = Keys.epoch(id, entry.epoch());
            epochs.put(txn, key, Scratch.value().putLong(entry.startOffset()).flip());
        }
    }

    // ---------------------------------------------------------------- aborted transactions

    List<AbortedTxn> loadAbortedTxns(Txn<ByteBuffer> txn, int id) {
        List<AbortedTxn> entries = new ArrayList<>();
        try (Cursor<ByteBuffer> cursor = abortedTxns.openCursor(txn)) {
            boolean more = cursor.get(Keys.prefix(id), GetOp.MDB_SET_RANGE);
            while (more && Keys.id(cursor.key()) == id) {
                ByteBuffer value = cursor.val();
                entries.add(new AbortedTxn(value.getLong(0), value.getLong(8), Keys.abortMarkerOffset(cursor.key()),
                        value.getLong(16)));
                more = cursor.next();
            }
        }
        return List.copyOf(entries);
    }

    void putAbortedTxn(Txn<ByteBuffer> txn, int id, AbortedTxn entry) {
        abortedTxns.put(txn, Keys.abortedTxn(id, entry.lastOffset()), Scratch.value().putLong(entry.producerId())
                .putLong(entry.firstOffset()).putLong(entry.lastStableOffset()).flip());
    }

    /** Replaces the partition's aborted-transaction entries (after a truncation or a deletion from the front: rare). */
    void storeAbortedTxns(Txn<ByteBuffer> txn, int id, List<AbortedTxn> entries) {
        deleteRange(txn, abortedTxns, id);
        for (AbortedTxn entry : entries) {
            putAbortedTxn(txn, id, entry);
        }
    }
}

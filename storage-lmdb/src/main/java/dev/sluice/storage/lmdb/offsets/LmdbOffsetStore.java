package dev.sluice.storage.lmdb.offsets;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.lmdb.LmdbSettings;
import dev.sluice.storage.lmdb.env.LmdbEnvironment;
import dev.sluice.storage.lmdb.env.ReadTxn;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consumer group offsets and metadata in their own LMDB environment, opened without
 * {@code MDB_NOSYNC}: a commit returns after LMDB's transaction commit has reached the disk, so
 * a committed offset survives a crash of the process or the machine. All partitions of one
 * commit go in one transaction (all or nothing). Writes are serialised (LMDB has one writer);
 * reads run on snapshots concurrently with them.
 */
public final class LmdbOffsetStore implements OffsetStore {
    private final LmdbEnvironment env;
    private final Dbi<ByteBuffer> groups;
    private final Dbi<ByteBuffer> offsets;
    private final Dbi<ByteBuffer> metadata;
    /** Group name to id, for every group in the {@code groups} table. */
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private int nextId;

    public LmdbOffsetStore(Path directory, LmdbSettings settings) {
        this.env = LmdbEnvironment.open(directory, settings, OffsetTables.ALL);
        this.groups = env.db(OffsetTables.GROUPS);
        this.offsets = env.db(OffsetTables.OFFSETS);
        this.metadata = env.db(OffsetTables.GROUP_METADATA);
        try (ReadTxn read = env.beginRead(); Cursor<ByteBuffer> cursor = groups.openCursor(read.txn())) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                ids.put(OffsetTables.groupNameOf(cursor.val()), OffsetTables.groupIdOf(cursor.val()));
            }
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
        this.nextId = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    @Override
    public synchronized void commit(String group, Map<TopicPartition, CommittedOffset> committed) {
        if (committed.isEmpty()) {
            return;
        }
        int id = idFor(group);
        env.write(txn -> {
            registerIfNew(txn, group, id);
            for (Map.Entry<TopicPartition, CommittedOffset> e : committed.entrySet()) {
                put(txn, offsets, OffsetTables.offsetKey(id, e.getKey()), OffsetTables.offsetValue(e.getValue()));
            }
            return null;
        });
        ids.put(group, id);
    }

    @Override
    public Optional<CommittedOffset> fetch(String group, TopicPartition partition) {
        Integer id = ids.get(group);
        if (id == null) {
            return Optional.empty();
        }
        try (ReadTxn read = env.beginRead()) {
            ByteBuffer value = offsets.get(read.txn(), OffsetTables.offsetKey(id, partition));
            return value == null ? Optional.empty() : Optional.of(OffsetTables.offsetOf(value));
        }
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetchAll(String group) {
        Integer id = ids.get(group);
        Map<TopicPartition, CommittedOffset> all = new HashMap<>();
        if (id == null) {
            return all;
        }
        try (ReadTxn read = env.beginRead(); Cursor<ByteBuffer> cursor = offsets.openCursor(read.txn())) {
            for (boolean more = seekGroup(cursor, id); more && ofGroup(cursor, id); more = cursor.next()) {
                all.put(OffsetTables.partitionOf(cursor.key()), OffsetTables.offsetOf(cursor.val()));
            }
        }
        return all;
    }

    @Override
    public Set<String> groups() {
        return new TreeSet<>(ids.keySet());
    }

    @Override
    public synchronized void delete(String group, Set<TopicPartition> partitions) {
        Integer id = ids.get(group);
        if (id == null || partitions.isEmpty()) {
            return;
        }
        boolean empty = env.write(txn -> {
            for (TopicPartition partition : partitions) {
                offsets.delete(txn, OffsetTables.offsetKey(id, partition));
            }
            if (hasOffsets(txn, id) || metadata.get(txn, OffsetTables.groupPrefix(id)) != null) {
                return false;
            }
            groups.delete(txn, OffsetTables.groupKey(group)); // nothing left: the group is gone
            return true;
        });
        if (empty) {
            ids.remove(group);
        }
    }

    @Override
    public synchronized void deleteGroup(String group) {
        Integer id = ids.get(group);
        if (id == null) {
            return;
        }
        env.write(txn -> {
            try (Cursor<ByteBuffer> cursor = offsets.openCursor(txn)) {
                for (boolean more = seekGroup(cursor, id); more && ofGroup(cursor, id); more = cursor.next()) {
                    cursor.delete(); // the cursor then sits on the following key: NEXT returns it
                }
            }
            metadata.delete(txn, OffsetTables.groupPrefix(id));
            groups.delete(txn, OffsetTables.groupKey(group));
            return null;
        });
        ids.remove(group);
    }

    @Override
    public synchronized void storeGroupMetadata(String group, byte[] bytes) {
        int id = idFor(group);
        env.write(txn -> {
            registerIfNew(txn, group, id);
            put(txn, metadata, OffsetTables.groupPrefix(id), bytes);
            return null;
        });
        ids.put(group, id);
    }

    @Override
    public Map<String, byte[]> loadGroupMetadata() {
        Map<String, byte[]> all = new HashMap<>();
        try (ReadTxn read = env.beginRead()) {
            for (Map.Entry<String, Integer> group : ids.entrySet()) {
                ByteBuffer value = metadata.get(read.txn(), OffsetTables.groupPrefix(group.getValue()));
                if (value != null) {
                    all.put(group.getKey(), OffsetTables.bytesOf(value));
                }
            }
        }
        return all;
    }

    /** Syncs and closes the environment. */
    @Override
    public void close() {
        env.close();
    }

    // ---------------------------------------------------------------- helpers (writers hold the monitor)

    private int idFor(String group) {
        Integer id = ids.get(group);
        return id != null ? id : nextId++;
    }

    private void registerIfNew(Txn<ByteBuffer> txn, String group, int id) {
        if (!ids.containsKey(group)) {
            put(txn, groups, OffsetTables.groupKey(group), OffsetTables.groupValue(id, group));
        }
    }

    /** Writes {@code value} straight into space LMDB reserves (values here may exceed the scratch buffer). */
    private static void put(Txn<ByteBuffer> txn, Dbi<ByteBuffer> db, ByteBuffer key, byte[] value) {
        db.reserve(txn, key, value.length).put(value);
    }

    private boolean hasOffsets(Txn<ByteBuffer> txn, int id) {
        try (Cursor<ByteBuffer> cursor = offsets.openCursor(txn)) {
            return seekGroup(cursor, id) && ofGroup(cursor, id);
        }
    }

    private static boolean seekGroup(Cursor<ByteBuffer> cursor, int id) {
        return cursor.get(OffsetTables.groupPrefix(id), GetOp.MDB_SET_RANGE);
    }

    private static boolean ofGroup(Cursor<ByteBuffer> cursor, int id) {
        ByteBuffer key = cursor.key();
        return key.remaining() >= 4 && key.getInt(0) == id;
    }

    @Override
    public String toString() {
        return "LmdbOffsetStore(" + env.directory() + ")";
    }
}

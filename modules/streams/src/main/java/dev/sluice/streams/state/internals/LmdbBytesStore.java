package dev.sluice.streams.state.internals;

import dev.sluice.storage.lmdb.LmdbSettings;
import dev.sluice.storage.lmdb.env.LmdbEnvironment;
import dev.sluice.storage.lmdb.env.ReadTxn;
import dev.sluice.storage.lmdb.env.Scratch;
import dev.sluice.streams.KeyValue;
import dev.sluice.streams.StreamsException;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link BytesStore} in an LMDB environment of its own (one directory per store of a task), on
 * storage-lmdb's {@link LmdbEnvironment}, so the rules for using LMDB safely are the log backend's:
 * the directory locked while open, the map grown (when full) only while no read is in flight, reads
 * after close refused rather than touching an unmapped file, keys in per-thread direct buffers. Each put
 * is one write transaction without fsync ({@code MDB_NOSYNC}); {@link #flush()} syncs, and the runtime
 * flushes before it checkpoints, so what a checkpoint claims is on disk. LMDB's memcmp order is the
 * unsigned order stores rely on. Keys are limited to LMDB's 511 bytes. The task thread writes;
 * interactive queries read from other threads.
 */
public final class LmdbBytesStore implements BytesStore {
    private static final String DB = "store";
    private static final LmdbSettings SETTINGS = new LmdbSettings(64L << 20, 126, false);

    private final LmdbEnvironment env;
    private final Dbi<ByteBuffer> db;

    private LmdbBytesStore(LmdbEnvironment env) {
        this.env = env;
        this.db = env.db(DB);
    }

    public static LmdbBytesStore open(Path directory) {
        return new LmdbBytesStore(LmdbEnvironment.open(directory, SETTINGS, DB));
    }

    /** {@code key} in this thread's key buffer: valid until the thread's next LMDB call. */
    private static ByteBuffer key(byte[] key) {
        if (key.length == 0 || key.length > Scratch.MAX_KEY_BYTES) {
            throw new StreamsException("an LMDB store key must have 1 to " + Scratch.MAX_KEY_BYTES
                    + " bytes, this one has " + key.length);
        }
        return Scratch.key().put(key).flip();
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public byte[] get(byte[] key) {
        try (ReadTxn read = env.beginRead()) {
            ByteBuffer v = db.get(read.txn(), key(key));
            return v == null ? null : copy(v);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        ByteBuffer k = key(key);
        env.write(txn -> {
            write(txn, k, value);
            return null;
        });
    }

    /** One write transaction for them all (restoring a changelog a poll at a time, not a commit per record). */
    @Override
    public void putAll(List<KeyValue<byte[], byte[]>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        env.write(txn -> {
            for (KeyValue<byte[], byte[]> e : entries) {
                write(txn, key(e.key()), e.value()); // this thread's one key buffer: LMDB has copied the previous key
            }
            return null;
        });
    }

    /** A null value deletes; a value is written straight into the map (reserve), no direct-buffer copy. */
    private void write(Txn<ByteBuffer> txn, ByteBuffer key, byte[] value) {
        if (value == null) {
            db.delete(txn, key);
        } else {
            db.reserve(txn, key, value.length).put(value);
        }
    }

    @Override
    public List<KeyValue<byte[], byte[]>> range(byte[] from, byte[] toExclusive) {
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
        try (ReadTxn read = env.beginRead(); Cursor<ByteBuffer> cursor = db.openCursor(read.txn())) {
            boolean found = from == null ? cursor.first() : cursor.get(key(from), GetOp.MDB_SET_RANGE);
            while (found) {
                byte[] k = copy(cursor.key());
                if (toExclusive != null && Arrays.compareUnsigned(k, toExclusive) >= 0) {
                    break;
                }
                out.add(KeyValue.pair(k, copy(cursor.val())));
                found = cursor.next();
            }
        }
        return out;
    }

    @Override
    public long count() {
        try (ReadTxn read = env.beginRead()) {
            return db.stat(read.txn()).entries;
        }
    }

    @Override
    public void flush() {
        env.sync();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public void close() {
        env.close(); // syncs; a second close does nothing
    }
}

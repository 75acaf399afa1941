package dev.sluice.streams.state.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.StreamsException;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.KeyRange;
import org.lmdbjava.Txn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BytesStore} in an LMDB environment of its own (one directory per store of a task). Each put
 * is one write transaction without fsync ({@code MDB_NOSYNC}); {@link #flush()} syncs, and the runtime
 * flushes before it checkpoints, so what a checkpoint claims is on disk. LMDB's memcmp order is the
 * unsigned order stores rely on. Keys are limited to LMDB's 511 bytes. The task thread writes;
 * interactive queries read from other threads (read transactions need no thread affinity: MDB_NOTLS).
 */
public final class LmdbBytesStore implements BytesStore {
    private static final int MAX_KEY = 511;
    private static final long INITIAL_MAP_SIZE = 64L << 20;

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> db;

    private LmdbBytesStore(Env<ByteBuffer> env, Dbi<ByteBuffer> db) {
        this.env = env;
        this.db = db;
    }

    public static LmdbBytesStore open(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        long existing = directory.resolve("data.mdb").toFile().length();
        Env<ByteBuffer> env = Env.create().setMapSize(Math.max(INITIAL_MAP_SIZE, existing * 2)).setMaxDbs(1)
                .open(directory.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC);
        return new LmdbBytesStore(env, env.openDbi("store", DbiFlags.MDB_CREATE));
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    private static ByteBuffer key(byte[] key) {
        if (key.length == 0 || key.length > MAX_KEY) {
            throw new StreamsException("an LMDB store key must have 1 to " + MAX_KEY + " bytes, this one has " + key.length);
        }
        return direct(key);
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public byte[] get(byte[] key) {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer v = db.get(txn, key(key));
            return v == null ? null : copy(v);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        ByteBuffer k = key(key);
        ByteBuffer v = value == null ? null : direct(value);
        while (true) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                if (v == null) {
                    db.delete(txn, k);
                } else {
                    db.put(txn, k, v);
                }
                txn.commit();
                return;
            } catch (Env.MapFullException full) {
                env.setMapSize(env.info().mapSize * 2);
            }
        }
    }

    @Override
    public List<KeyValue<byte[], byte[]>> range(byte[] from, byte[] toExclusive) {
        KeyRange<ByteBuffer> range;
        if (from != null && toExclusive != null) {
            range = KeyRange.closedOpen(direct(from), direct(toExclusive));
        } else if (from != null) {
            range = KeyRange.atLeast(direct(from));
        } else if (toExclusive != null) {
            range = KeyRange.lessThan(direct(toExclusive));
        } else {
            range = KeyRange.all();
        }
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
        try (Txn<ByteBuffer> txn = env.txnRead(); CursorIterable<ByteBuffer> it = db.iterate(txn, range)) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) {
                out.add(KeyValue.pair(copy(kv.key()), copy(kv.val())));
            }
        }
        return out;
    }

    @Override
    public long count() {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            return db.stat(txn).entries;
        }
    }

    @Override
    public void flush() {
        env.sync(true);
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public void close() {
        if (!env.isClosed()) {
            env.sync(true);
            env.close();
        }
    }
}

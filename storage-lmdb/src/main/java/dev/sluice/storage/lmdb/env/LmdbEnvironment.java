package dev.sluice.storage.lmdb.env;

import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.storage.lmdb.LmdbSettings;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * One LMDB environment (a {@code data.mdb} memory map plus {@code lock.mdb}) in a directory, and
 * the rules for using it safely from many threads:
 *
 * <ul>
 *   <li>A {@code .lock} file is held while open: LMDB itself lets several processes share an
 *       environment, but Sluice caches log ends in memory, so only one engine may own it.</li>
 *   <li>Every transaction, read or write, holds the shared side of a resize lock. When a write
 *       fails with {@code MDB_MAP_FULL} the transaction is aborted, the exclusive side is taken
 *       (so no transaction is open in this process, as {@code mdb_env_set_mapsize} requires),
 *       the map is doubled, and the write runs again. Nothing stops: writers wait for the
 *       readers in flight, then everyone continues.</li>
 *   <li>Read transactions use {@code MDB_NOTLS}: they are not tied to a thread's reader slot, so
 *       a thread may hold several and pools may hand work between threads.</li>
 *   <li>Unless {@link LmdbSettings#syncCommits()}, the environment runs with {@code MDB_NOSYNC}:
 *       commits reach the page cache only and {@link #sync()} forces them to disk.</li>
 * </ul>
 */
public final class LmdbEnvironment implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LmdbEnvironment.class.getName());
    public static final String LOCK_FILE = ".lock";
    public static final String DATA_FILE = "data.mdb";

    private final Path directory;
    private final boolean syncCommits;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Env<ByteBuffer> env;
    private final Map<String, Dbi<ByteBuffer>> dbs = new HashMap<>();
    private final ReentrantReadWriteLock resize = new ReentrantReadWriteLock();
    private volatile long mapSize;
    private boolean closed;
    /** See {@link #simulateFailures}; never set outside tests. */
    private volatile BooleanSupplier simulatedFailure = () -> false;

    private LmdbEnvironment(Path directory, LmdbSettings settings, FileChannel lockChannel, FileLock lock, String... dbNames) {
        this.directory = directory;
        this.syncCommits = settings.syncCommits();
        this.lockChannel = lockChannel;
        this.lock = lock;
        try {
            long existing = Files.exists(directory.resolve(DATA_FILE)) ? Files.size(directory.resolve(DATA_FILE)) : 0;
            EnvFlags[] flags = syncCommits ? new EnvFlags[] {EnvFlags.MDB_NOTLS}
                    : new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC};
            this.env = Env.create()
                    .setMapSize(Math.max(settings.mapSize(), existing))
                    .setMaxDbs(dbNames.length)
                    .setMaxReaders(settings.maxReaders())
                    .open(directory.toFile(), flags);
        } catch (IOException | LmdbException e) {
            throw new StorageException("cannot open the LMDB environment in " + directory, e);
        }
        try {
            for (String name : dbNames) {
                dbs.put(name, env.openDbi(name, DbiFlags.MDB_CREATE));
            }
            this.mapSize = env.info().mapSize;
        } catch (LmdbException e) {
            env.close();
            throw new StorageException("cannot open the LMDB databases in " + directory, e);
        }
    }

    /** Opens (creating if needed) the environment in {@code directory} with the named databases. */
    public static LmdbEnvironment open(Path directory, LmdbSettings settings, String... dbNames) {
        FileChannel channel;
        FileLock lock;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock(channel);
        } catch (IOException e) {
            throw new StorageException("cannot open " + directory, e);
        }
        if (lock == null) {
            closeQuietly(channel, null, directory);
            throw new StorageException(directory + " is in use by another engine or process (" + LOCK_FILE + " is locked)");
        }
        try {
            return new LmdbEnvironment(directory, settings, channel, lock, dbNames);
        } catch (RuntimeException e) {
            closeQuietly(channel, lock, directory);
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    public Dbi<ByteBuffer> db(String name) {
        Dbi<ByteBuffer> db = dbs.get(name);
        if (db == null) {
            throw new IllegalArgumentException("no database " + name + " in " + directory);
        }
        return db;
    }

    /** Current size of the memory map in bytes. */
    public long mapSize() {
        return mapSize;
    }

    /** True when every commit is already durable ({@code lmdb.durability=commit}). */
    public boolean syncsEveryCommit() {
        return syncCommits;
    }

    /**
     * For tests of a failing disk: while {@code failing} answers true, beginning a read or write
     * transaction, committing and syncing throw the {@link LmdbException} a native I/O failure
     * (EIO) would, at the points where LMDB reports one. LMDB does its I/O in native code on its
     * own file descriptors, so no Java channel can be made to fail instead.
     */
    public void simulateFailures(BooleanSupplier failing) {
        this.simulatedFailure = failing;
    }

    private void checkSimulatedFailure(String operation) {
        if (simulatedFailure.getAsBoolean()) {
            throw new LmdbException("simulated native failure: " + operation + " in " + directory + " (EIO)");
        }
    }

    /**
     * Runs {@code work} in a write transaction and commits it, growing the map and retrying when
     * it is full. LMDB allows one write transaction at a time: concurrent callers queue here.
     */
    public <R> R write(TxnWork<R> work) {
        while (true) {
            resize.readLock().lock();
            long sizeBefore = mapSize;
            try {
                ensureOpen();
                checkSimulatedFailure("begin write");
                try (Txn<ByteBuffer> txn = env.txnWrite()) {
                    R result = work.run(txn);
                    checkSimulatedFailure("commit");
                    txn.commit();
                    return result;
                }
            } catch (Env.MapFullException full) {
                // the transaction is aborted (closed without commit): grow below, then retry
            } catch (LmdbException e) {
                throw new StorageException("LMDB write in " + directory + " failed", e);
            } finally {
                resize.readLock().unlock();
            }
            grow(sizeBefore);
        }
    }

    /** A read snapshot; close it (try-with-resources) promptly: it pins pages and a reader slot. */
    public ReadTxn beginRead() {
        resize.readLock().lock();
        try {
            ensureOpen();
            checkSimulatedFailure("begin read");
            return new ReadTxn(env.txnRead(), resize.readLock());
        } catch (LmdbException e) {
            resize.readLock().unlock();
            throw new StorageException("cannot begin an LMDB read in " + directory, e);
        } catch (RuntimeException e) {
            resize.readLock().unlock();
            throw e;
        }
    }

    /** Doubles the map unless another thread already grew it past {@code failedAt}. */
    private void grow(long failedAt) {
        resize.writeLock().lock();
        try {
            ensureOpen();
            if (mapSize == failedAt) {
                long next = Math.multiplyExact(failedAt, 2);
                env.setMapSize(next);
                mapSize = env.info().mapSize;
                LOG.log(System.Logger.Level.INFO, "{0}: LMDB map full, grown from {1} to {2} bytes", directory, failedAt, mapSize);
            }
        } catch (LmdbException | ArithmeticException e) {
            throw new StorageException("cannot grow the LMDB map of " + directory + " beyond " + failedAt + " bytes", e);
        } finally {
            resize.writeLock().unlock();
        }
    }

    /** Forces committed transactions to disk (a no-op cost when every commit already syncs). */
    public void sync() {
        resize.readLock().lock();
        try {
            ensureOpen();
            checkSimulatedFailure("sync");
            env.sync(true);
        } catch (LmdbException e) {
            throw new StorageException("fsync of the LMDB environment in " + directory + " failed", e);
        } finally {
            resize.readLock().unlock();
        }
    }

    /** Syncs and closes; waits for transactions in flight. */
    @Override
    public void close() {
        resize.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                env.sync(true);
            } finally {
                env.close(); // also closes the Dbi handles
                closeQuietly(lockChannel, lock, directory);
            }
        } finally {
            resize.writeLock().unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new LogClosedException("LMDB environment in " + directory + " is closed");
        }
    }

    /** Null if another process, or another environment in this JVM, holds the directory. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel, FileLock lock, Path directory) {
        try {
            if (lock != null) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot release " + LOCK_FILE + " in " + directory, e);
        }
    }

    @Override
    public String toString() {
        return "LmdbEnvironment(" + directory + ", map=" + mapSize + ")";
    }
}

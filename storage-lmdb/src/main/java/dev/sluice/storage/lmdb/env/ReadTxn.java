package dev.sluice.storage.lmdb.env;

import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;

/**
 * A read-only snapshot of the environment. Buffers it hands out point into the memory map and
 * are valid only until {@link #close()}: copy what must outlive it. Holding one also keeps the
 * map from being resized underneath it.
 */
public final class ReadTxn implements AutoCloseable {
    private final Txn<ByteBuffer> txn;
    private final Lock resizeGuard;

    ReadTxn(Txn<ByteBuffer> txn, Lock resizeGuard) {
        this.txn = txn;
        this.resizeGuard = resizeGuard;
    }

    public Txn<ByteBuffer> txn() {
        return txn;
    }

    @Override
    public void close() {
        try {
            txn.close();
        } finally {
            resizeGuard.unlock();
        }
    }
}

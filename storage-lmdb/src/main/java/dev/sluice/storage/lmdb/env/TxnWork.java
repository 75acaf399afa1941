package dev.sluice.storage.lmdb.env;

import org.lmdbjava.Txn;

import java.nio.ByteBuffer;

/**
 * What a write transaction does. It may run more than once (the map filled up, was grown, and
 * the transaction is retried), so it must only change the database through {@code txn} and
 * keep every in-memory effect for after the commit.
 */
@FunctionalInterface
public interface TxnWork<R> {
    R run(Txn<ByteBuffer> txn);
}

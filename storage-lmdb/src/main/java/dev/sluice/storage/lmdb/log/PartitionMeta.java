package dev.sluice.storage.lmdb.log;

import dev.sluice.storage.lmdb.env.Scratch;

import java.nio.ByteBuffer;

/**
 * What a partition's log is, stored in the same transaction as every change to its batches, so
 * a reader's snapshot always agrees with the batches it sees.
 *
 * @param logStart first readable offset
 * @param logEnd   offset the next record gets
 * @param size     bytes of stored batches
 */
record PartitionMeta(long logStart, long logEnd, long size) {
    static final PartitionMeta EMPTY = new PartitionMeta(0, 0, 0);

    static PartitionMeta read(ByteBuffer value) {
        return new PartitionMeta(value.getLong(0), value.getLong(8), value.getLong(16));
    }

    /** The stored form in this thread's scratch value buffer (no allocation: the append path writes it every time). */
    static ByteBuffer encode(long logStart, long logEnd, long size) {
        return Scratch.value().putLong(logStart).putLong(logEnd).putLong(size).flip();
    }
}

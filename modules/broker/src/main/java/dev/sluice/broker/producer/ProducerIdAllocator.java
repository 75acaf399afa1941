package dev.sluice.broker.producer;

/**
 * Hands out producer ids (InitProducerId) that are never reused, even after a crash: ids come
 * from blocks a {@link ProducerIdBlockStore} reserves durably before any id of the block is
 * given out; the next block is reserved when one is used up. Ids left in a block at a crash or
 * shutdown are skipped, as in Kafka. Thread-safe: request handler threads call {@link #nextId()}.
 */
public final class ProducerIdAllocator {
    public static final int BLOCK_SIZE = 1000;

    private final ProducerIdBlockStore store;
    private final int blockSize;
    private long next;
    private long blockEnd;

    public ProducerIdAllocator(ProducerIdBlockStore store, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("block size must be positive, was " + blockSize);
        }
        this.store = store;
        this.blockSize = blockSize;
    }

    public ProducerIdAllocator(ProducerIdBlockStore store) {
        this(store, BLOCK_SIZE);
    }

    public synchronized long nextId() {
        if (next == blockEnd) {
            ProducerIdBlock block = store.reserveNext(blockSize);
            next = block.firstId();
            blockEnd = block.nextBlockFirstId();
        }
        return next++;
    }
}

package dev.sluice.client.producer.internals;

import dev.sluice.client.TimeoutException;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producer's {@code buffer.memory}: batch buffers of {@code batch.size} are recycled (a
 * batch's records are written straight into one, so steady-state sending allocates no buffers);
 * odd sizes come from the remaining budget. When memory runs out, {@link #allocate} blocks until
 * batches complete — the producer's backpressure — or {@code max.block.ms} passes.
 */
final class BufferPool {
    private final long totalMemory;
    private final int poolableSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long unpooledAvailable;

    BufferPool(long totalMemory, int poolableSize) {
        this.totalMemory = totalMemory;
        this.poolableSize = poolableSize;
        this.unpooledAvailable = totalMemory;
    }

    long totalMemory() {
        return totalMemory;
    }

    /**
     * A cleared buffer of exactly {@code size} bytes.
     *
     * @throws TimeoutException if the memory did not free up within {@code maxBlockMs}
     */
    ByteBuffer allocate(int size, long maxBlockMs) throws InterruptedException {
        if (size > totalMemory) {
            throw new IllegalArgumentException("a batch of " + size + " bytes can never fit buffer.memory="
                    + totalMemory);
        }
        lock.lock();
        try {
            if (size == poolableSize && !free.isEmpty()) {
                return free.pollFirst();
            }
            long remainingNs = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
            while (unpooledAvailable + (long) free.size() * poolableSize < size) {
                if (remainingNs <= 0) {
                    throw new TimeoutException("could not allocate " + size + " bytes of buffer.memory="
                            + totalMemory + " within max.block.ms=" + maxBlockMs);
                }
                remainingNs = freed.awaitNanos(remainingNs);
                if (size == poolableSize && !free.isEmpty()) {
                    return free.pollFirst();
                }
            }
            while (unpooledAvailable < size) {
                free.pollLast(); // give a pooled buffer's memory back to the unpooled budget
                unpooledAvailable += poolableSize;
            }
            unpooledAvailable -= size;
        } finally {
            lock.unlock();
        }
        return ByteBuffer.allocate(size);
    }

    /** Returns a buffer from {@link #allocate}; pooled sizes are kept for reuse. */
    void deallocate(ByteBuffer buffer) {
        lock.lock();
        try {
            if (buffer.capacity() == poolableSize) {
                buffer.clear();
                free.addLast(buffer);
            } else {
                unpooledAvailable += buffer.capacity();
            }
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}

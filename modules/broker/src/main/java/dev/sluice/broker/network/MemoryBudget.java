package dev.sluice.broker.network;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request frame buffers the server may hold at once ({@code queued.max.request.bytes}):
 * the capacity of every buffer the {@link FramePool} has handed out or keeps idle.
 * Like Kafka's memory pool, a request larger than the whole budget still gets through when
 * nothing else is held, so one big request can never wedge a connection forever.
 */
final class MemoryBudget {
    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    /** @param capacity bytes, or -1 for no limit (only the accounting remains) */
    MemoryBudget(long capacity) {
        this.capacity = capacity;
    }

    boolean tryAcquire(int bytes) {
        if (capacity < 0) {
            used.addAndGet(bytes);
            return true;
        }
        long current;
        do {
            current = used.get();
            if (current > 0 && current + bytes > capacity) {
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    void release(int bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }
}

package dev.sluice.broker.network;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request frame buffers the server may hold at once ({@code queued.max.request.bytes}):
 * the capacity of every buffer the {@link FramePool} has handed out or keeps idle.
 * Like Kafka's memory pool, a request larger than the whole budget still gets through when
 * nothing else is held, so one big request can never wedge a connection forever. Any thread.
 */
final class MemoryBudget {
    /** Frames up to this size are "small": most requests but large produces (metadata, fetch, commits, heartbeats). */
    static final int SMALL_FRAME_BYTES = 64 << 10;

    private final long capacity;
    private final long largeFrameLimit;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param capacity bytes, or -1 for no limit (only the accounting remains). The last eighth is
     *                 kept for small frames: clients holding large frames whose bytes trickle in
     *                 (until {@code socket.request.receive.timeout.ms}) cannot starve everyone's
     *                 small requests.
     */
    MemoryBudget(long capacity) {
        this.capacity = capacity;
        this.largeFrameLimit = capacity - capacity / 8;
    }

    boolean tryAcquire(int bytes) {
        if (capacity < 0) {
            used.addAndGet(bytes);
            return true;
        }
        long limit = bytes <= SMALL_FRAME_BYTES ? capacity : largeFrameLimit;
        long current;
        do {
            current = used.get();
            if (current > 0 && current + bytes > limit) {
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

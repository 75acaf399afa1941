package dev.sluice.broker.network;

import org.jctools.queues.MpmcArrayQueue;

import java.util.concurrent.Semaphore;

/**
 * The bounded queue from processors to request-handler threads ({@code queued.max.requests}).
 * A full queue refuses the request; the processor then stops reading that connection until
 * there is room. Handlers sleep on a semaphore that counts queued requests, so an idle pool
 * burns no CPU.
 */
final class RequestChannel {
    private final MpmcArrayQueue<NetworkRequest> queue;
    private final Semaphore queued = new Semaphore(0);
    private volatile boolean closed;

    RequestChannel(int capacity) {
        this.queue = new MpmcArrayQueue<>(Math.max(2, capacity));
    }

    boolean offer(NetworkRequest request) {
        if (!queue.offer(request)) {
            return false;
        }
        queued.release();
        return true;
    }

    /** Waits for a request; null once the channel is closed. */
    NetworkRequest take() throws InterruptedException {
        queued.acquire();
        NetworkRequest r;
        // A permit guarantees a fully offered element exists; poll can still briefly miss it while
        // another producer is mid-offer on an earlier slot.
        while ((r = queue.poll()) == null) {
            if (closed) {
                return null;
            }
            Thread.onSpinWait();
        }
        return r;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** Wakes {@code waiters} blocked takers, which then return null once the queue is empty. */
    void close(int waiters) {
        closed = true;
        queued.release(waiters);
    }
}

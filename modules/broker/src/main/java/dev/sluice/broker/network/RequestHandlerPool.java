package dev.sluice.broker.network;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code num.io.threads} threads that take requests from the channel and run the handler; each
 * counts the time it waits for a request (the handlers' idle ratio). Threads: its own handler threads.
 */
final class RequestHandlerPool {
    private static final System.Logger LOG = System.getLogger(RequestHandlerPool.class.getName());

    private final RequestChannel channel;
    private final RequestHandler handler;
    private final dev.sluice.api.Time time;
    private final NetworkMetrics metrics;
    private final List<Thread> threads = new ArrayList<>();

    RequestHandlerPool(RequestChannel channel, RequestHandler handler, int size, String namePrefix,
                       dev.sluice.api.Time time, NetworkMetrics metrics) {
        this.channel = channel;
        this.handler = handler;
        this.time = time;
        this.metrics = metrics;
        for (int i = 0; i < size; i++) {
            threads.add(new Thread(this::run, namePrefix + i));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    List<Thread> threads() {
        return threads;
    }

    /** Wakes the threads; each exits once the queue is empty. */
    void stop() {
        channel.close(threads.size());
    }

    private void run() {
        while (true) {
            NetworkRequest request;
            long waitStart = time.nanoseconds();
            try {
                request = channel.take();
            } catch (InterruptedException e) {
                return; // only SocketServer.close interrupts, after its grace period
            }
            if (request == null) {
                return;
            }
            long now = time.nanoseconds();
            metrics.handlerIdleNanos.add(now - waitStart);
            request.dequeuedNanos = now;
            handle(request);
        }
    }

    private void handle(NetworkRequest request) {
        try {
            handler.handle(request);
        } catch (Throwable t) {
            if (request.closeIfPending()) {
                LOG.log(Level.WARNING, "request handler failed on " + request + "; closing the connection", t);
            } else {
                LOG.log(Level.WARNING, "request handler failed after completing " + request, t);
            }
        } finally {
            request.handlerReturned();
        }
    }
}

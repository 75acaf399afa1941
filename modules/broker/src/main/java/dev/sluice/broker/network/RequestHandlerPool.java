package dev.sluice.broker.network;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/** The {@code num.io.threads} threads that take requests from the channel and run the handler. */
final class RequestHandlerPool {
    private static final System.Logger LOG = System.getLogger(RequestHandlerPool.class.getName());

    private final RequestChannel channel;
    private final RequestHandler handler;
    private final List<Thread> threads = new ArrayList<>();

    RequestHandlerPool(RequestChannel channel, RequestHandler handler, int size, String namePrefix) {
        this.channel = channel;
        this.handler = handler;
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
            try {
                request = channel.take();
            } catch (InterruptedException e) {
                return; // only SocketServer.close interrupts, after its grace period
            }
            if (request == null) {
                return;
            }
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

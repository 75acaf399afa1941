package dev.sluice.broker.network;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The accepting thread: takes new sockets from every listener, enforces {@code max.connections},
 * sets socket options and deals the sockets round-robin to the processors.
 *
 * <p>A failed accept (typically EMFILE, "Too many open files") leaves the pending connection in
 * the backlog, so the listener stays ready and a naive loop would spin and log thousands of times
 * a second. Instead the acceptor stops selecting for accepts for {@link #ACCEPT_BACKOFF_MS}, and
 * logs at most one warning per {@link #LOG_INTERVAL_MS} with the number of failures since the
 * last one. The pause is a select timeout, so {@link #stop()} still ends the thread at once.
 */
final class Acceptor implements Runnable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    static final long ACCEPT_BACKOFF_MS = 500;
    static final long LOG_INTERVAL_MS = 10_000;

    /** How a socket is taken from a listener: {@link ServerSocketChannel#accept()}, replaced by tests to inject failures. */
    @FunctionalInterface
    interface AcceptCall {
        SocketChannel accept(ServerSocketChannel listener) throws IOException;
    }

    /** A bound server socket and the listener it serves. */
    record Listener(Endpoint endpoint, ServerSocketChannel channel) {
    }

    private final List<Listener> listeners;
    private final Processor[] processors;
    private final SocketServerConfig config;
    private final NetworkMetrics metrics;
    private final Selector selector;
    private final AtomicLong connectionIds = new AtomicLong();
    private final AcceptCall acceptCall;
    private volatile boolean stopping;
    private int nextProcessor;
    private long pausedUntilNanos;
    private boolean paused;
    private long lastWarningNanos;
    private long failuresSinceWarning;

    Acceptor(List<Listener> listeners, Processor[] processors, SocketServerConfig config, NetworkMetrics metrics,
             AcceptCall acceptCall) throws IOException {
        this.acceptCall = acceptCall;
        this.listeners = listeners;
        this.processors = processors;
        this.config = config;
        this.metrics = metrics;
        this.selector = Selector.open();
        for (Listener l : listeners) {
            l.channel().configureBlocking(false);
            l.channel().register(selector, SelectionKey.OP_ACCEPT, l);
        }
    }

    void stop() {
        stopping = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    long timeout = 500;
                    if (paused) {
                        long left = TimeUnit.NANOSECONDS.toMillis(pausedUntilNanos - System.nanoTime());
                        if (left <= 0) {
                            setAccepting(true);
                        } else {
                            timeout = left;
                        }
                    }
                    selector.select(this::acceptAll, Math.max(1, timeout));
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.ERROR, "acceptor failed; continuing", e);
                    LockSupport.parkNanos(10_000_000L);
                }
            }
        } finally {
            closeListeners();
        }
    }

    /** Closes the server sockets; idempotent, safe to call whether or not the thread ever ran. */
    void closeListeners() {
        for (Listener l : listeners) {
            try {
                l.channel().close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing listener " + l.endpoint(), e);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing acceptor selector", e);
        }
    }

    private void acceptAll(SelectionKey key) {
        Listener listener = (Listener) key.attachment();
        try {
            SocketChannel channel;
            while (!stopping && !paused && (channel = acceptCall.accept(listener.channel())) != null) {
                admit(channel, listener.endpoint());
            }
        } catch (IOException e) {
            acceptFailed(listener, e);
        }
    }

    /** Backs off: no accepts on any listener for a while, and one warning per interval at most. */
    private void acceptFailed(Listener listener, IOException e) {
        metrics.acceptFailures.increment();
        failuresSinceWarning++;
        long now = System.nanoTime();
        if (lastWarningNanos == 0 || now - lastWarningNanos >= TimeUnit.MILLISECONDS.toNanos(LOG_INTERVAL_MS)) {
            LOG.log(Level.WARNING, "accept failed on " + listener.endpoint() + ": " + e + " (" + failuresSinceWarning
                    + " failure(s) since the last warning); not accepting for " + ACCEPT_BACKOFF_MS
                    + " ms after each failure. Too many open files? Raise the descriptor limit (ulimit -n) or lower max.connections");
            lastWarningNanos = now;
            failuresSinceWarning = 0;
        }
        pausedUntilNanos = now + TimeUnit.MILLISECONDS.toNanos(ACCEPT_BACKOFF_MS);
        setAccepting(false);
    }

    private void setAccepting(boolean on) {
        paused = !on;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid()) {
                key.interestOps(on ? SelectionKey.OP_ACCEPT : 0);
            }
        }
    }

    private void admit(SocketChannel channel, Endpoint listener) {
        if (!reserveConnectionSlot()) {
            metrics.connectionsRefused.increment();
            LOG.log(Level.INFO, () -> "refusing connection from " + remote(channel) + ": max.connections ("
                    + config.maxConnections() + ") reached");
            closeQuietly(channel);
            return;
        }
        metrics.connectionsAccepted.increment();
        try {
            configure(channel);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "could not configure connection from " + remote(channel) + ": " + e);
            closeQuietly(channel);
            metrics.connectionsClosed.increment();
            metrics.activeConnections.decrementAndGet();
            return;
        }
        long id = connectionIds.incrementAndGet();
        // Round-robin; a processor whose hand-over queue is full is skipped, and if all are full
        // the acceptor waits, which pushes back on clients through the listen backlog.
        while (true) {
            for (int i = 0; i < processors.length; i++) {
                Processor p = processors[nextProcessor];
                nextProcessor = (nextProcessor + 1) % processors.length;
                if (p.adopt(channel, listener, id)) {
                    return;
                }
            }
            if (stopping) {
                closeQuietly(channel);
                metrics.connectionsClosed.increment();
                metrics.activeConnections.decrementAndGet();
                return;
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private boolean reserveConnectionSlot() {
        int current;
        do {
            current = metrics.activeConnections.get();
            if (current >= config.maxConnections()) {
                return false;
            }
        } while (!metrics.activeConnections.compareAndSet(current, current + 1));
        return true;
    }

    private void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (config.socketSendBufferBytes() > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, config.socketSendBufferBytes());
        }
        if (config.socketReceiveBufferBytes() > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, config.socketReceiveBufferBytes());
        }
    }

    private static Object remote(SocketChannel channel) {
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }
}

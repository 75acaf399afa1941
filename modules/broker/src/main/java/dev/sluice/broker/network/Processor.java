package dev.sluice.broker.network;

import dev.sluice.api.Time;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A network thread: owns a selector and the connections the acceptor gives it, reads request
 * frames, hands them to the {@link RequestChannel}, and writes responses back in request order.
 *
 * <p>Other threads talk to it only through two queues plus {@link Selector#wakeup()}: new
 * connections from the acceptor, and request events (handler returned / request completed)
 * from whichever thread completes a request. Everything else is confined to this thread.
 *
 * <p>Here: the loop, adopting and closing connections, and each connection's requests — read as
 * frames, handed to the handlers one at a time, answered in request order. Apart: the TLS side of
 * connections ({@link TlsTransport}: handshakes, input the selector cannot report), quota throttles
 * ({@link ThrottledConnections}) and the timeouts that close connections ({@link ConnectionTimeouts}).
 */
final class Processor implements Runnable {
    private static final System.Logger LOG = System.getLogger(Processor.class.getName());
    private static final long POLL_MS = 300;
    private static final long STALL_RETRY_MS = 2;
    private static final int NEW_CONNECTION_QUEUE = 32;

    /** A socket the acceptor handed over, not yet registered with the selector. */
    private record NewConnection(SocketChannel channel, Endpoint listener, long id) {
    }

    private final int index;
    private final SocketServerConfig config;
    private final RequestChannel requestChannel;
    private final FramePool pool;
    private final NetworkMetrics metrics;
    private final Time time;
    private final RequestObserver observer;
    private final Selector selector;
    private final MpscArrayQueue<NewConnection> newConnections = new MpscArrayQueue<>(NEW_CONNECTION_QUEUE);
    // Unbounded in type only: it never holds more than two events per in-flight request, and
    // in-flight requests are capped per connection. Chunks are pooled, so steady state makes no garbage.
    private final MpscUnboundedXaddArrayQueue<NetworkRequest> events = new MpscUnboundedXaddArrayQueue<>(256, 4);
    private final ArrayList<Connection> connections = new ArrayList<>();
    private final ArrayDeque<Connection> stalled = new ArrayDeque<>();
    private final ThrottledConnections throttled = new ThrottledConnections();
    private final TlsTransport tls;
    private final ConnectionTimeouts timeouts;
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final Consumer<Connection> onUnmuted = this::updateInterest;
    private final Predicate<Connection> mayRead = this::canRead;
    private final Consumer<Connection> readBuffered = this::readBuffered;

    private volatile boolean draining;
    private volatile boolean stopping;
    private volatile boolean drained;
    private boolean readsMuted;

    Processor(int index, SocketServerConfig config, RequestChannel requestChannel, FramePool pool,
              NetworkMetrics metrics, Time time, RequestObserver observer, Map<String, TlsTransport.Listener> tlsListeners)
            throws IOException {
        this.index = index;
        this.tls = new TlsTransport(tlsListeners, metrics);
        this.timeouts = new ConnectionTimeouts(config, metrics);
        this.observer = observer;
        this.config = config;
        this.requestChannel = requestChannel;
        this.pool = pool;
        this.metrics = metrics;
        this.time = time;
        this.selector = Selector.open();
    }

    // ---- called from other threads ----

    /** From the acceptor: adopt a connected socket. False if this processor's hand-over queue is full. */
    boolean adopt(SocketChannel channel, Endpoint listener, long id) {
        if (!newConnections.offer(new NewConnection(channel, listener, id))) {
            return false;
        }
        selector.wakeup();
        return true;
    }

    /** The server's clock, for request timings taken on other threads. */
    long nanoTime() {
        return time.nanoseconds();
    }

    /** From any thread: a handler returned or a request was completed. */
    void onRequestEvent(NetworkRequest request) {
        events.offer(request);
        selector.wakeup();
    }

    /** Stop reading new requests; keep answering those already read. */
    void beginDrain() {
        draining = true;
        selector.wakeup();
    }

    /** True once draining and every request read has been answered and written. */
    boolean isDrained() {
        return drained;
    }

    /** Close every connection and end the thread. */
    void stop() {
        stopping = true;
        selector.wakeup();
    }

    // ---- the network thread ----

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    runOnce();
                } catch (Throwable t) { // a bug must not take the thread and all its connections down
                    LOG.log(Level.ERROR, "processor " + index + " loop failed; continuing", t);
                }
            }
        } finally {
            closeAll();
        }
    }

    private void runOnce() throws IOException {
        registerNewConnections();
        processEvents();
        retryStalled();
        if (draining && !readsMuted) {
            readsMuted = true;
            for (Connection c : connections) {
                updateInterest(c);
            }
        }
        boolean moreBuffered = tls.readBuffered(mayRead, readBuffered);
        long timeout = stalled.isEmpty() ? Math.min(POLL_MS, TimeUnit.NANOSECONDS.toMillis(timeouts.sweepIntervalNanos()))
                : STALL_RETRY_MS;
        if (!throttled.isEmpty()) {
            timeout = Math.min(timeout, throttled.unmuteDue(time.nanoseconds(), POLL_MS, onUnmuted));
        }
        long selectStart = time.nanoseconds();
        if (moreBuffered) {
            selector.selectNow(onReady);
        } else {
            selector.select(onReady, Math.max(1, timeout));
        }
        // idle = waiting in select; the ready keys' handling inside it is counted too, but is short next to the wait
        metrics.processorIdleNanos.add(time.nanoseconds() - selectStart);
        closeOverdueConnections();
        pool.trimIdle(time.nanoseconds());
        if (draining) {
            drained = connections.stream().allMatch(Connection::drained);
        }
    }

    private void registerNewConnections() {
        NewConnection n;
        while ((n = newConnections.poll()) != null) {
            if (draining) {
                closeUnregistered(n.channel);
                continue;
            }
            try {
                InetSocketAddress remote = (InetSocketAddress) n.channel.getRemoteAddress();
                Connection c = new Connection(n.id, n.listener, remote, n.channel, this,
                        new FrameReader(config.maxRequestBytes(), pool, time), tls.open(n.channel, n.listener, remote));
                c.adoptedNanos = time.nanoseconds();
                c.key = n.channel.register(selector, SelectionKey.OP_READ, c);
                c.interestOps = SelectionKey.OP_READ;
                c.lastActiveNanos = time.nanoseconds();
                c.slot = connections.size();
                connections.add(c);
                LOG.log(Level.DEBUG, () -> "processor " + index + " adopted " + c);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "could not register a new connection", e);
                closeUnregistered(n.channel);
            }
        }
    }

    private void onReady(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (c.handshaking()) {
                switch (tls.advance(c)) {
                    case DONE -> read(c); // the client's first request may have come with its last handshake message
                    case FAILED -> close(c);
                    case PENDING -> { }
                }
            } else {
                if (key.isReadable()) {
                    read(c);
                }
                if (!c.closed && key.isWritable()) {
                    write(c);
                }
            }
            if (!c.closed) {
                updateInterest(c);
            }
        } catch (Exception e) {
            fail(c, e);
        }
    }

    private void read(Connection c) throws IOException {
        long before = c.reader.bytesRead();
        try {
            while (canRead(c)) {
                ByteBuffer payload;
                try {
                    payload = c.reader.read(c.in());
                } catch (EOFException e) {
                    onPeerClosed(c);
                    return;
                }
                if (payload == null) {
                    if (c.reader.awaitingMemory()) {
                        stall(c);
                    }
                    return;
                }
                metrics.requestsReceived.increment();
                c.undispatched.add(new NetworkRequest(c, payload, time.nanoseconds()));
                dispatchNext(c);
            }
        } finally {
            long n = c.reader.bytesRead() - before;
            if (n > 0) {
                metrics.bytesIn.add(n);
                c.lastActiveNanos = time.nanoseconds();
            }
        }
    }

    /** Reads the decrypted input a TLS connection holds (the selector cannot report it); a failure closes it. */
    private void readBuffered(Connection c) {
        try {
            read(c);
            if (!c.closed) {
                updateInterest(c);
            }
        } catch (Exception e) {
            fail(c, e);
        }
    }

    /**
     * The client closed its side. Requests it sent completely are still processed (a producer with
     * acks=0 closes right after writing them, expecting no answer), their responses dropped; the
     * connection closes once they are done. A partly received frame is discarded.
     */
    private void onPeerClosed(Connection c) {
        c.peerClosed = true;
        c.outbound.clear();
        c.sending.clear();
        if (c.undispatched.isEmpty() && c.awaiting.isEmpty()) {
            LOG.log(Level.DEBUG, () -> "closing " + c + ": closed by peer");
            close(c);
        } else {
            LOG.log(Level.DEBUG, () -> c + " closed by peer: finishing the " + c.inFlight() + " requests it sent");
        }
    }

    /**
     * Reading stops at the in-flight cap, when the handler queue or memory budget is full, when
     * draining, while throttled, and at the peer's close.
     */
    private boolean canRead(Connection c) {
        return !draining
                && !c.peerClosed
                && !c.muted
                && c.inFlight() < config.maxInFlightPerConnection()
                && !c.reader.awaitingMemory()
                && !(c.inHandler == null && !c.undispatched.isEmpty());
    }

    /** Gives the connection's next request to the handlers, unless the previous one's handler is still running. */
    private void dispatchNext(Connection c) {
        if (c.closed || c.inHandler != null || c.undispatched.isEmpty()) {
            return;
        }
        NetworkRequest next = c.undispatched.peek();
        if (requestChannel.offer(next)) {
            c.undispatched.poll();
            c.awaiting.add(next);
            c.inHandler = next;
        } else {
            stall(c);
        }
    }

    private void stall(Connection c) {
        if (!c.stalled) {
            c.stalled = true;
            stalled.add(c);
        }
    }

    private void retryStalled() {
        for (int n = stalled.size(); n > 0; n--) {
            Connection c = stalled.poll();
            c.stalled = false;
            if (c.closed) {
                continue;
            }
            if (c.reader.awaitingMemory() && !c.reader.tryAllocate()) {
                stall(c);
            }
            dispatchNext(c);
            updateInterest(c);
        }
    }

    private void processEvents() {
        NetworkRequest r;
        while ((r = events.poll()) != null) {
            Connection c = r.connection();
            try {
                if (c.inHandler == r) {
                    c.inHandler = null;
                    dispatchNext(c);
                }
                if (r.outcomeReady() && !r.outcomeSeen) {
                    r.outcomeSeen = true;
                    r.responseDequeuedNanos = time.nanoseconds();
                    pool.release(r.frameBuffer()); // completion is the handler's promise to be done with the frame
                    sendReadyResponses(c);
                }
                if (!c.closed) {
                    updateInterest(c);
                }
            } catch (Exception e) {
                fail(c, e);
            }
        }
    }

    /** Moves completed requests from the head of the connection's queue to the wire, in order. */
    private void sendReadyResponses(Connection c) throws IOException {
        if (c.closed) {
            return;
        }
        NetworkRequest head;
        while ((head = c.awaiting.peek()) != null && head.outcomeSeen) {
            c.awaiting.poll();
            if (head.throttleMs() > 0) {
                throttled.mute(c, time.nanoseconds() + TimeUnit.MILLISECONDS.toNanos(head.throttleMs()));
            }
            switch (head.outcome()) {
                case RESPONSE -> {
                    if (!c.peerClosed) {
                        c.outbound.add(head.response());
                        c.sending.add(head);
                    } else {
                        done(head, head.responseDequeuedNanos);
                    }
                }
                case NO_RESPONSE -> done(head, head.responseDequeuedNanos);
                case CLOSE -> {
                    done(head, head.responseDequeuedNanos);
                    LOG.log(Level.DEBUG, () -> "closing " + c + " as its request handler asked");
                    close(c);
                    return;
                }
            }
        }
        if (c.peerClosed && c.undispatched.isEmpty() && c.awaiting.isEmpty()) {
            LOG.log(Level.DEBUG, () -> "closing " + c + ": closed by peer, its requests done");
            close(c);
            return;
        }
        if (!c.outbound.isEmpty()) {
            write(c); // most responses fit the socket buffer: no need to wait for OP_WRITE
        }
    }

    private void write(Connection c) throws IOException {
        if (c.tls != null && !c.tls.flush()) {
            return; // the previous record is still going out: OP_WRITE brings us back
        }
        long written = 0;
        try {
            var send = c.outbound.peek();
            while (send != null) {
                long before = send.written();
                boolean done = send.writeTo(c.out());
                written += send.written() - before;
                if (!done) {
                    return; // socket buffer full: OP_WRITE brings us back
                }
                c.outbound.poll();
                metrics.responsesSent.increment();
                done(c.sending.poll(), time.nanoseconds());
                send = c.outbound.peek();
            }
        } finally {
            if (written > 0) {
                metrics.bytesOut.add(written);
                c.lastActiveNanos = time.nanoseconds();
            }
        }
    }

    private void done(NetworkRequest request, long endNanos) {
        try {
            observer.requestDone(request, endNanos);
        } catch (RuntimeException e) { // metrics must never take a connection down
            LOG.log(Level.WARNING, "request observer failed", e);
        }
    }

    private void updateInterest(Connection c) {
        if (c.handshaking()) {
            c.interest(true, c.pendingOutput());
            return;
        }
        c.interest(canRead(c), !c.outbound.isEmpty() || c.pendingOutput());
        tls.noteBufferedInput(c);
    }

    /** Closes the connections {@link ConnectionTimeouts} finds overdue (at most once per sweep interval). */
    private void closeOverdueConnections() {
        long now = time.nanoseconds();
        if (!timeouts.sweepDue(now)) {
            return;
        }
        // backwards, so that close()'s swap-removal only moves already visited connections
        for (int i = connections.size() - 1; i >= 0; i--) {
            Connection c = connections.get(i);
            if (timeouts.overdue(c, now)) {
                close(c);
            }
        }
    }

    private void fail(Connection c, Exception e) {
        if (e instanceof InvalidFrameException) {
            metrics.invalidFrames.increment();
            LOG.log(Level.WARNING, "closing " + c + ": " + e.getMessage());
        } else if (e instanceof EOFException) {
            LOG.log(Level.DEBUG, () -> "closing " + c + ": closed by peer");
        } else if (e instanceof IOException) {
            LOG.log(Level.DEBUG, () -> "closing " + c + ": " + e);
        } else {
            LOG.log(Level.WARNING, "closing " + c + " after an unexpected error", e);
        }
        close(c);
    }

    private void close(Connection c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        c.key.cancel();
        c.closeSocket();
        c.discardRequests(pool);
        Connection last = connections.remove(connections.size() - 1); // swap-remove: O(1)
        if (last != c) {
            connections.set(c.slot, last);
            last.slot = c.slot;
        }
        metrics.connectionsClosed.increment();
        metrics.activeConnections.decrementAndGet();
    }

    private void closeAll() {
        for (int i = connections.size() - 1; i >= 0; i--) {
            close(connections.get(i));
        }
        NewConnection n;
        while ((n = newConnections.poll()) != null) {
            closeUnregistered(n.channel);
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing selector", e);
        }
    }

    private void closeUnregistered(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the socket is gone either way
        }
        metrics.connectionsClosed.increment();
        metrics.activeConnections.decrementAndGet();
    }
}

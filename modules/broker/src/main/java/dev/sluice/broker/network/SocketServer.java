package dev.sluice.broker.network;

import dev.sluice.api.Time;
import dev.sluice.protocol.tls.TlsContext;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker's network front end, after Kafka's: one acceptor thread, {@code num.network.threads}
 * processors doing non-blocking I/O, and {@code num.io.threads} handler threads fed through a
 * bounded queue. It moves frames and {@link dev.sluice.protocol.Send}s; what they mean is the
 * {@link RequestHandler}'s business.
 *
 * <pre>{@code
 * try (SocketServer server = new SocketServer(SocketServerConfig.defaults(Endpoint.parse("PLAINTEXT://127.0.0.1:0")),
 *                                             request -> request.respond(encode(process(request.payload()))))) {
 *     server.start();
 *     int port = server.boundPort("PLAINTEXT");
 *     ...
 * }
 * }</pre>
 *
 * The constructor binds every listener (so ports are known, and bind errors surface, before
 * {@link #start()}); {@link #close()} is graceful: stop accepting and reading, give in-flight
 * requests up to {@code shutdownTimeoutMs} to be answered and flushed, then close the sockets
 * and join every thread.
 */
public final class SocketServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SocketServer.class.getName());
    private static final long THREAD_JOIN_MS = 5_000;
    /** Idle pooled frame memory kept for reuse, at most (and never more than the budget). */
    private static final long MAX_IDLE_FRAME_BYTES = 32L << 20;

    private final SocketServerConfig config;
    private final NetworkMetrics metrics = new NetworkMetrics();
    private final RequestChannel requestChannel;
    private final FramePool framePool;
    private final List<Acceptor.Listener> listeners = new ArrayList<>();
    private final Processor[] processors;
    private final Acceptor acceptor;
    private final RequestHandlerPool handlers;
    private final List<Thread> networkThreads = new ArrayList<>();
    private Thread acceptorThread;
    private boolean started;
    private boolean acceptingStopped;
    private boolean closed;

    public SocketServer(SocketServerConfig config, RequestHandler handler) throws IOException {
        this(config, handler, Time.SYSTEM);
    }

    public SocketServer(SocketServerConfig config, RequestHandler handler, Time time) throws IOException {
        this(config, handler, time, ServerSocketChannel::accept, RequestObserver.NONE);
    }

    /** With {@code observer} told of every finished request (the request metrics). */
    public SocketServer(SocketServerConfig config, RequestHandler handler, Time time, RequestObserver observer)
            throws IOException {
        this(config, handler, time, ServerSocketChannel::accept, observer);
    }

    SocketServer(SocketServerConfig config, RequestHandler handler, Time time, Acceptor.AcceptCall acceptCall)
            throws IOException {
        this(config, handler, time, acceptCall, RequestObserver.NONE);
    }

    /** With the acceptor's accept call replaced (tests inject "too many open files"). */
    private SocketServer(SocketServerConfig config, RequestHandler handler, Time time, Acceptor.AcceptCall acceptCall,
                         RequestObserver observer) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        this.requestChannel = new RequestChannel(config.queuedMaxRequests());
        MemoryBudget budget = new MemoryBudget(config.queuedMaxRequestBytes());
        long maxIdle = config.queuedMaxRequestBytes() < 0 ? MAX_IDLE_FRAME_BYTES
                : Math.min(MAX_IDLE_FRAME_BYTES, config.queuedMaxRequestBytes());
        this.framePool = new FramePool(budget, maxIdle, FramePool.poisonFromSystemProperty(),
                FramePool.DEFAULT_TRIM_INTERVAL_NANOS);
        // reads the keystore and truststore now: a wrong path or password fails the start, naming the setting
        Map<String, TlsTransport.Listener> tls = tlsListeners(config);
        try {
            for (Endpoint e : config.listeners()) {
                ServerSocketChannel channel = bind(e);
                listeners.add(new Acceptor.Listener(e.withPort(localPort(channel)), channel));
            }
            processors = new Processor[config.networkThreads()];
            for (int i = 0; i < processors.length; i++) {
                processors[i] = new Processor(i, config, requestChannel, framePool, metrics, time, Objects.requireNonNull(observer),
                        tls);
            }
            acceptor = new Acceptor(listeners, processors, config, metrics, acceptCall);
        } catch (IOException | RuntimeException e) {
            closeBound();
            throw e;
        }
        handlers = new RequestHandlerPool(requestChannel, handler, config.ioThreads(), "sluice-request-handler-",
                time, metrics);
    }

    /** Each TLS listener's context (its keystore and truststore read now) and principal mapping. */
    private static Map<String, TlsTransport.Listener> tlsListeners(SocketServerConfig config) {
        Map<String, TlsTransport.Listener> tls = new HashMap<>();
        for (Endpoint e : config.listeners()) {
            if (e.securityProtocol().usesTls()) {
                ListenerSecurity.ListenerTls own = config.security().of(e.listenerName());
                if (own.settings() == null) {
                    throw new IllegalArgumentException("the TLS listener " + e + " needs TLS settings (ssl.*)");
                }
                tls.put(e.listenerName(), new TlsTransport.Listener(TlsContext.create(own.settings(), true),
                        own.principalMapper()));
            }
        }
        return Map.copyOf(tls);
    }

    private static ServerSocketChannel bind(Endpoint e) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            InetSocketAddress address = e.isWildcard() ? new InetSocketAddress(e.port()) : new InetSocketAddress(e.host(), e.port());
            channel.bind(address);
            return channel;
        } catch (IOException ex) {
            channel.close();
            throw new IOException("cannot bind listener " + e + ": " + ex.getMessage(), ex);
        }
    }

    /** Starts the handler, processor and acceptor threads. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "server is closed" : "server already started");
        }
        started = true;
        handlers.start();
        for (int i = 0; i < processors.length; i++) {
            Thread t = new Thread(processors[i], "sluice-network-processor-" + i);
            networkThreads.add(t);
            t.start();
        }
        acceptorThread = new Thread(acceptor, "sluice-network-acceptor");
        acceptorThread.start();
        LOG.log(Level.INFO, () -> "listening on " + boundEndpoints());
    }

    /** The listeners with their actual ports (port 0 resolved). */
    public List<Endpoint> boundEndpoints() {
        return listeners.stream().map(Acceptor.Listener::endpoint).toList();
    }

    /** The port a listener is bound to. */
    public int boundPort(String listenerName) {
        for (Acceptor.Listener l : listeners) {
            if (l.endpoint().listenerName().equals(listenerName)) {
                return l.endpoint().port();
            }
        }
        throw new IllegalArgumentException("no listener named " + listenerName);
    }

    /** The frame buffer pool, for tests that check it neither leaks nor grows. */
    FramePool framePool() {
        return framePool;
    }

    public NetworkMetrics metrics() {
        return metrics;
    }

    /** Requests queued for a handler right now (for tests and metrics). */
    public int queuedRequests() {
        return requestChannel.size();
    }

    /** Closes the listening sockets; established connections keep being served. */
    public synchronized void stopAccepting() {
        if (acceptingStopped) {
            return;
        }
        acceptingStopped = true;
        if (acceptorThread != null) {
            acceptor.stop();
            join(acceptorThread);
        } else {
            acceptor.closeListeners();
        }
    }

    /**
     * Graceful shutdown: stop accepting, stop reading, wait up to {@code shutdownTimeoutMs} for
     * every request already read to be answered and its response written, then close all
     * connections and stop all threads.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAccepting();
        if (!started) {
            return;
        }
        awaitDrained();
        for (Processor p : processors) {
            p.stop();
        }
        networkThreads.forEach(SocketServer::join);
        handlers.stop();
        handlers.threads().forEach(SocketServer::join);
        LOG.log(Level.INFO, () -> "network server closed: " + metrics);
    }

    private void awaitDrained() {
        for (Processor p : processors) {
            p.beginDrain();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs());
        while (!allDrained()) {
            if (System.nanoTime() - deadline > 0) {
                LOG.log(Level.WARNING, "closing with requests still unanswered after " + config.shutdownTimeoutMs() + " ms");
                return;
            }
            LockSupport.parkNanos(2_000_000L); // shutdown only: a short poll is simpler than a latch per processor
        }
    }

    private boolean allDrained() {
        for (Processor p : processors) {
            if (!p.isDrained()) {
                return false;
            }
        }
        return requestChannel.isEmpty();
    }

    /** Joins a thread; if it will not end, interrupts it (a handler stuck in a blocking call) and waits once more. */
    private static void join(Thread t) {
        try {
            t.join(THREAD_JOIN_MS);
            if (t.isAlive()) {
                LOG.log(Level.WARNING, t.getName() + " did not stop within " + THREAD_JOIN_MS + " ms; interrupting it");
                t.interrupt();
                t.join(THREAD_JOIN_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeBound() {
        for (Acceptor.Listener l : listeners) {
            try {
                l.channel().close();
            } catch (IOException ignored) {
                // already failing; the original exception matters
            }
        }
    }

    private static int localPort(ServerSocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }
}

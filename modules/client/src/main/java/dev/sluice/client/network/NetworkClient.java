package dev.sluice.client.network;

import dev.sluice.api.Time;
import dev.sluice.client.ClientClosedException;
import dev.sluice.client.NetworkException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.protocol.ApiKey;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * All broker connections of one client, driven by one non-blocking I/O thread.
 *
 * <p>Why one selector thread rather than a thread per connection: a client talks to every
 * partition leader at once; one thread multiplexes them with no locking of socket state,
 * pipelines requests naturally, and also runs the client's own periodic work ({@link Ticker}s:
 * the producer's sender, the consumer's fetcher, metadata refresh) so that work never races
 * the network state it reads.
 *
 * <p>Per connection: connect, ApiVersions negotiation (highest common version per API), then up
 * to {@code maxInFlight} pipelined requests matched to responses by order and correlation id.
 * Requests fail with {@link TimeoutException} after their timeout (an in-flight timeout closes
 * the connection, since later responses would queue behind it) and with {@link NetworkException}
 * on disconnect; reconnects back off exponentially with jitter.
 *
 * <p>This class is the client's entry point; the work is split by concept: {@link IoLoop} (the
 * thread and its loop), {@link ConnectionDriver} (the sockets: connect, handshake, writes, reads,
 * timeouts, close), {@link Connection} (one node's state) with its {@link InFlightRequests} and
 * {@link ReconnectBackoff}, and {@link VersionHandshake}.
 *
 * <p>Threads: {@link #send}, {@link #execute}, {@link #wakeup}, {@link #disconnectAll},
 * {@link #close} and the ticker/listener registration from any thread; the connection queries
 * ({@link #ready}, {@link #backingOff}, {@link #inFlight}, {@link #leastLoaded}) on the I/O
 * thread only (tickers and tasks).
 */
public final class NetworkClient implements AutoCloseable {

    /** Periodic work on the I/O thread; returns how many ms it may sleep before the next tick. */
    @FunctionalInterface
    public interface Ticker {
        long tick(long nowMs);
    }

    private final ClientConfig config;
    private final Time time;
    private final ConnectionDriver connections;
    private final IoLoop loop;

    public NetworkClient(ClientConfig config, String threadName) {
        this(config, threadName, Time.SYSTEM);
    }

    /**
     * @param time the clock of every deadline this client keeps (request timeouts, reconnect
     *             backoff, the {@code nowMs} handed to tickers); a test's manual clock makes them
     *             move only when the test says, after which it calls {@link #wakeup()}
     */
    public NetworkClient(ClientConfig config, String threadName, Time time) {
        this.config = config;
        this.time = time;
        Selector selector;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new NetworkException("cannot open a selector", e);
        }
        this.connections = new ConnectionDriver(config, selector, this::clockMs);
        this.loop = new IoLoop(threadName, selector, connections, this::clockMs);
    }

    public void start() {
        loop.start();
    }

    public ClientConfig config() {
        return config;
    }

    public void addTicker(Ticker ticker) {
        loop.addTicker(ticker);
    }

    public void removeTicker(Ticker ticker) {
        loop.removeTicker(ticker);
    }

    public void onDisconnect(Consumer<Node> listener) {
        connections.onDisconnect(listener);
    }

    /** Monotonic milliseconds of this client's clock: the time of its request and reconnect deadlines. */
    public long clockMs() {
        return time.nanoseconds() / 1_000_000;
    }

    public boolean onIoThread() {
        return loop.onIoThread();
    }

    /** Wakes the I/O thread so tickers run now (e.g. a batch just filled up). */
    public void wakeup() {
        loop.wakeup();
    }

    /** Runs {@code task} on the I/O thread. */
    public void execute(Runnable task) {
        if (!loop.running()) {
            throw new ClientClosedException("client is closed");
        }
        loop.post(task);
    }

    public CompletableFuture<Response> send(Node node, ApiKey api, RequestBuilder builder) {
        return send(node, api, builder, config.requestTimeoutMs(), true);
    }

    /** Queues a request for {@code node}; thread-safe. The future completes on the I/O thread. */
    public CompletableFuture<Response> send(Node node, ApiKey api, RequestBuilder builder, long timeoutMs,
                                            boolean expectResponse) {
        ClientRequest request = new ClientRequest(api, builder, expectResponse, clockMs() + timeoutMs);
        if (!loop.running()) {
            request.future.completeExceptionally(new ClientClosedException("client is closed"));
        } else if (onIoThread()) {
            connections.enqueue(node, request);
        } else {
            loop.post(() -> connections.enqueue(node, request));
        }
        return request.future;
    }

    // ---- connection queries for tickers (I/O thread only)

    /** True if {@code node} can take another request now; starts connecting if it is idle. */
    public boolean ready(Node node, int maxInFlight) {
        Connection c = connections.connection(node);
        if (c.state == Connection.State.DISCONNECTED && c.backoff.mayConnect(clockMs())) {
            connections.connect(c);
        }
        return c.state == Connection.State.READY && c.load() < maxInFlight;
    }

    /** True while a failed connection to {@code node} waits out its reconnect backoff. */
    public boolean backingOff(Node node) {
        Connection c = connections.existing(node);
        return c != null && c.backingOff(clockMs());
    }

    public int inFlight(Node node) {
        Connection c = connections.existing(node);
        return c == null ? 0 : c.load();
    }

    /** The candidate with the fewest pending requests, preferring connected ones; null if all back off. */
    public Node leastLoaded(Collection<Node> candidates) {
        Node best = null;
        int bestScore = Integer.MAX_VALUE;
        for (Node node : candidates) {
            Connection c = connections.existing(node);
            int score;
            if (c == null) {
                score = 1_000;
            } else if (c.state == Connection.State.READY) {
                score = c.load();
            } else if (c.backingOff(clockMs())) {
                continue;
            } else {
                score = 500 + c.load();
            }
            if (score < bestScore || (score == bestScore && ThreadLocalRandom.current().nextBoolean())) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    /** Closes every connection now (tests use this to force retries); I/O thread or any thread. */
    public void disconnectAll() {
        if (onIoThread()) {
            connections.disconnectAll();
        } else {
            execute(connections::disconnectAll);
        }
    }

    /** Stops the I/O thread; pending requests fail with {@link ClientClosedException}. */
    @Override
    public void close() {
        loop.close();
    }
}

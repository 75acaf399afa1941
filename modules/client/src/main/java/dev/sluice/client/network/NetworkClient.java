package dev.sluice.client.network;

import dev.sluice.api.Time;
import dev.sluice.client.ClientClosedException;
import dev.sluice.client.NetworkException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
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
 */
public final class NetworkClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetworkClient.class.getName());
    private static final long MAX_SLEEP_MS = 1000;

    /** Periodic work on the I/O thread; returns how many ms it may sleep before the next tick. */
    @FunctionalInterface
    public interface Ticker {
        long tick(long nowMs);
    }

    private final ClientConfig config;
    private final Time time;
    private final Selector selector;
    private final Map<Node, Connection> connections = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Ticker> tickers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Node>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int nextCorrelationId;

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
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new NetworkException("cannot open a selector", e);
        }
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public ClientConfig config() {
        return config;
    }

    public void addTicker(Ticker ticker) {
        tickers.add(ticker);
    }

    public void removeTicker(Ticker ticker) {
        tickers.remove(ticker);
    }

    public void onDisconnect(Consumer<Node> listener) {
        disconnectListeners.add(listener);
    }

    /** Monotonic milliseconds of this client's clock: the time of its request and reconnect deadlines. */
    public long clockMs() {
        return time.nanoseconds() / 1_000_000;
    }

    public boolean onIoThread() {
        return Thread.currentThread() == thread;
    }

    /** Wakes the I/O thread so tickers run now (e.g. a batch just filled up). */
    public void wakeup() {
        selector.wakeup();
    }

    /** Runs {@code task} on the I/O thread. */
    public void execute(Runnable task) {
        if (!running) {
            throw new ClientClosedException("client is closed");
        }
        tasks.add(task);
        wakeup();
    }

    public CompletableFuture<Response> send(Node node, ApiKey api, RequestBuilder builder) {
        return send(node, api, builder, config.requestTimeoutMs(), true);
    }

    /** Queues a request for {@code node}; thread-safe. The future completes on the I/O thread. */
    public CompletableFuture<Response> send(Node node, ApiKey api, RequestBuilder builder, long timeoutMs,
                                            boolean expectResponse) {
        ClientRequest request = new ClientRequest(api, builder, expectResponse, clockMs() + timeoutMs);
        if (!running) {
            request.future.completeExceptionally(new ClientClosedException("client is closed"));
        } else if (onIoThread()) {
            enqueue(node, request);
        } else {
            tasks.add(() -> enqueue(node, request));
            wakeup();
        }
        return request.future;
    }

    // ---- connection queries for tickers (I/O thread only)

    /** True if {@code node} can take another request now; starts connecting if it is idle. */
    public boolean ready(Node node, int maxInFlight) {
        Connection c = connections.computeIfAbsent(node, Connection::new);
        if (c.state == Connection.State.DISCONNECTED && clockMs() >= c.nextConnectMs) {
            connect(c);
        }
        return c.state == Connection.State.READY && c.load() < maxInFlight;
    }

    /** True while a failed connection to {@code node} waits out its reconnect backoff. */
    public boolean backingOff(Node node) {
        Connection c = connections.get(node);
        return c != null && c.state == Connection.State.DISCONNECTED && clockMs() < c.nextConnectMs;
    }

    public int inFlight(Node node) {
        Connection c = connections.get(node);
        return c == null ? 0 : c.load();
    }

    /** The candidate with the fewest pending requests, preferring connected ones; null if all back off. */
    public Node leastLoaded(Collection<Node> candidates) {
        Node best = null;
        int bestScore = Integer.MAX_VALUE;
        for (Node node : candidates) {
            Connection c = connections.get(node);
            int score;
            if (c == null) {
                score = 1_000;
            } else if (c.state == Connection.State.READY) {
                score = c.load();
            } else if (c.state == Connection.State.DISCONNECTED && clockMs() < c.nextConnectMs) {
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

    // ---- the I/O loop

    private void run() {
        try {
            while (running) {
                runTasks();
                long now = clockMs();
                long sleep = MAX_SLEEP_MS;
                for (Ticker ticker : tickers) {
                    try {
                        sleep = Math.min(sleep, ticker.tick(now));
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "client background task failed", e);
                    }
                }
                sleep = Math.min(sleep, maintain(clockMs()));
                if (!tasks.isEmpty()) {
                    sleep = 0;
                }
                if (sleep <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(sleep);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "client I/O thread failed", e);
        } finally {
            shutdown();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "client task failed", e);
            }
        }
    }

    private void enqueue(Node node, ClientRequest request) {
        Connection c = connections.computeIfAbsent(node, Connection::new);
        c.waiting.add(request);
        if (c.state == Connection.State.READY) {
            writeMore(c);
        }
    }

    /** Timeouts, (re)connects and queued writes; returns ms until the next deadline. */
    private long maintain(long now) {
        long sleep = MAX_SLEEP_MS;
        for (Connection c : new ArrayList<>(connections.values())) {
            ClientRequest head = c.inFlight.peek();
            if (head != null && head.deadlineMs <= now) {
                close(c, new TimeoutException("request " + head.api.apiName() + " to " + c.node
                        + " timed out"), true);
            }
            while (!c.waiting.isEmpty() && c.waiting.peek().deadlineMs <= now) {
                ClientRequest expired = c.waiting.poll();
                expired.future.completeExceptionally(new TimeoutException("request " + expired.api.apiName()
                        + " to " + c.node + " was not sent in time (connection state " + c.state + ")"));
            }
            if (c.state == Connection.State.DISCONNECTED && !c.waiting.isEmpty()) {
                if (now >= c.nextConnectMs) {
                    connect(c);
                } else {
                    sleep = Math.min(sleep, c.nextConnectMs - now);
                }
            }
            if (c.state == Connection.State.READY) {
                writeMore(c);
            }
            ClientRequest first = c.inFlight.peek();
            if (first != null) {
                sleep = Math.min(sleep, first.deadlineMs - now);
            }
            if (!c.waiting.isEmpty()) {
                sleep = Math.min(sleep, c.waiting.peek().deadlineMs - now);
            }
        }
        return Math.max(sleep, 0);
    }

    private void connect(Connection c) {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            c.channel = channel;
            c.state = Connection.State.CONNECTING;
            c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
            if (channel.connect(new InetSocketAddress(c.node.host(), c.node.port()))) {
                connected(c);
            }
        } catch (IOException | RuntimeException e) {
            close(c, new NetworkException("cannot connect to " + c.node + ": " + e.getMessage(), e), true);
        }
    }

    private void handle(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isConnectable()) {
                if (c.channel.finishConnect()) {
                    connected(c);
                }
                return;
            }
            if (key.isReadable()) {
                ByteBuffer frame;
                while (c.state != Connection.State.DISCONNECTED && (frame = c.readFrame()) != null) {
                    received(c, frame);
                }
            }
            if (key.isValid() && key.isWritable() && c.sending != null) {
                if (flush(c) && c.state == Connection.State.READY) {
                    writeMore(c);
                }
            }
        } catch (IOException e) {
            close(c, new NetworkException("connection to " + c.node + " failed: " + e.getMessage(), e), true);
        }
    }

    private void connected(Connection c) throws IOException {
        c.state = Connection.State.NEGOTIATING;
        c.key.interestOps(SelectionKey.OP_READ);
        sendApiVersions(c, ApiKey.API_VERSIONS.latestStableVersion());
    }

    private void sendApiVersions(Connection c, short version) throws IOException {
        ClientRequest request = new ClientRequest(ApiKey.API_VERSIONS, v -> {
            Struct body = ApiKey.API_VERSIONS.newRequest();
            if (v >= 3) {
                body.set("ClientSoftwareName", "sluice-java").set("ClientSoftwareVersion", "0.1.0");
            }
            return body;
        }, true, clockMs() + config.requestTimeoutMs());
        request.fixedVersion = version;
        startSend(c, request, version);
        flush(c);
    }

    /** Moves queued requests onto the wire while the in-flight limit allows. */
    private void writeMore(Connection c) {
        try {
            while (c.sending == null && !c.waiting.isEmpty() && c.inFlight.size() < config.maxInFlightPerConnection()) {
                ClientRequest request = c.waiting.poll();
                short version = c.versions.versionFor(request.api);
                if (version < 0) {
                    request.future.completeExceptionally(new SluiceClientException("broker " + c.node
                            + " supports no version of " + request.api.apiName() + " that this client speaks"));
                    continue;
                }
                startSend(c, request, version);
                if (!flush(c)) {
                    break;
                }
            }
        } catch (IOException e) {
            close(c, new NetworkException("write to " + c.node + " failed: " + e.getMessage(), e), true);
        }
    }

    private void startSend(Connection c, ClientRequest request, short version) {
        Struct body;
        try {
            body = request.builder.build(version);
        } catch (RuntimeException e) {
            request.future.completeExceptionally(e);
            return;
        }
        request.version = version;
        request.correlationId = nextCorrelationId++;
        c.sending = RequestWriter.write(
                new RequestHeader(request.api, version, request.correlationId, config.clientId()), body);
        c.sendingRequest = request;
        if (request.expectResponse) {
            c.inFlight.add(request);
        }
    }

    /** Writes what the socket takes; true when the current send is complete. */
    private boolean flush(Connection c) throws IOException {
        Send send = c.sending;
        if (send == null) {
            return true;
        }
        if (!send.writeTo(c.channel)) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return false;
        }
        ClientRequest done = c.sendingRequest;
        c.sending = null;
        c.sendingRequest = null;
        c.key.interestOps(SelectionKey.OP_READ);
        if (!done.expectResponse) {
            done.future.complete(new Response(c.node, done.version, null));
        }
        return true;
    }

    private void received(Connection c, ByteBuffer frame) throws IOException {
        ClientRequest request = c.inFlight.poll();
        if (request == null) {
            throw new IOException("unexpected response from " + c.node + " with nothing in flight");
        }
        ResponseParser.Response response;
        try {
            response = ResponseParser.parse(frame, request.api, request.version);
        } catch (RuntimeException e) {
            request.future.completeExceptionally(new SluiceClientException("malformed " + request.api.apiName()
                    + " v" + request.version + " response from " + c.node + ": " + e.getMessage(), e));
            throw new IOException("malformed response", e);
        }
        if (response.correlationId() != request.correlationId) {
            request.future.completeExceptionally(new NetworkException("correlation id mismatch"));
            throw new IOException("response correlation id " + response.correlationId() + " from " + c.node
                    + " does not match request " + request.correlationId);
        }
        if (request.fixedVersion >= 0) {
            negotiated(c, request, response.body());
        } else {
            request.future.complete(new Response(c.node, request.version, response.body()));
        }
    }

    private void negotiated(Connection c, ClientRequest request, Struct body) throws IOException {
        short error = body.getShort("ErrorCode");
        if (error == Errors.UNSUPPORTED_VERSION.code() && request.fixedVersion > 0) {
            short brokerMax = 0; // the broker lists the ApiVersions versions it does speak
            for (Struct entry : body.getArray("ApiKeys")) {
                if (entry.getShort("ApiKey") == ApiKey.API_VERSIONS.id()) {
                    brokerMax = (short) Math.min(entry.getShort("MaxVersion"), request.fixedVersion - 1);
                }
            }
            sendApiVersions(c, brokerMax);
            return;
        }
        if (error != 0) {
            throw new IOException("ApiVersions failed on " + c.node + ": " + Errors.forCode(error));
        }
        c.versions = ApiVersions.negotiate(body);
        c.state = Connection.State.READY;
        c.failures = 0;
        LOG.log(System.Logger.Level.DEBUG, () -> "connected to " + c.node);
        writeMore(c);
    }

    private void close(Connection c, SluiceClientException cause, boolean notify) {
        boolean wasReady = c.state == Connection.State.READY;
        if (c.key != null) {
            c.key.cancel();
        }
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        c.channel = null;
        c.key = null;
        c.versions = null;
        c.state = Connection.State.DISCONNECTED;
        c.resetReadState();
        c.failures++;
        long backoff = Math.min(config.reconnectBackoffMaxMs(),
                config.reconnectBackoffMs() << Math.min(c.failures - 1, 20));
        c.nextConnectMs = clockMs() + (long) (backoff * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        List<ClientRequest> failed = new ArrayList<>();
        if (c.sendingRequest != null && !c.sendingRequest.expectResponse) {
            failed.add(c.sendingRequest);
        }
        c.sending = null;
        c.sendingRequest = null;
        failed.addAll(c.inFlight);
        c.inFlight.clear();
        failed.addAll(c.waiting); // callers re-route after a metadata refresh rather than wait here
        c.waiting.clear();
        if (wasReady || !failed.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "disconnected from " + c.node + ": " + cause.getMessage());
        }
        boolean first = true;
        for (ClientRequest request : failed) {
            request.future.completeExceptionally(first || !(cause instanceof TimeoutException) ? cause
                    : new NetworkException("disconnected from " + c.node + " after a request timed out"));
            first = false;
        }
        if (notify) {
            for (Consumer<Node> listener : disconnectListeners) {
                listener.accept(c.node);
            }
        }
    }

    /** Closes every connection now (tests use this to force retries); I/O thread or any thread. */
    public void disconnectAll() {
        Runnable task = () -> connections.values().forEach(c -> {
            if (c.state != Connection.State.DISCONNECTED) {
                close(c, new NetworkException("disconnected by the client"), true);
                c.nextConnectMs = 0;
                c.failures = 0;
            }
        });
        if (onIoThread()) {
            task.run();
        } else {
            execute(task);
        }
    }

    private void shutdown() {
        running = false;
        ClientClosedException closed = new ClientClosedException("client is closed");
        for (Connection c : connections.values()) {
            close(c, closed, false);
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run(); // enqueues land in connections already closed: fail them below
            } catch (RuntimeException ignored) {
                // closing
            }
        }
        for (Connection c : connections.values()) {
            c.waiting.forEach(r -> r.future.completeExceptionally(closed));
            c.waiting.clear();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** Stops the I/O thread; pending requests fail with {@link ClientClosedException}. */
    @Override
    public void close() {
        running = false;
        wakeup();
        if (thread.isAlive() && !onIoThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            shutdown();
        }
    }
}

package dev.sluice.client.network;

import dev.sluice.client.AuthenticationException;
import dev.sluice.client.NetworkException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.client.config.ConnectionAuthenticator;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.tls.TlsBufferPool;
import dev.sluice.protocol.tls.TlsChannel;
import dev.sluice.protocol.tls.TlsContext;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The connections of one client and the work on their sockets: connect, the ApiVersions
 * handshake, pipelined writes up to {@code max.in.flight.requests.per.connection}, reading
 * responses and matching them by order and correlation id, request timeouts, and closing a
 * failed connection (failing its requests, backing off, telling the disconnect listeners).
 *
 * <p>Threads: the client's I/O thread only, except {@link #onDisconnect} (any thread).
 */
final class ConnectionDriver {
    private static final System.Logger LOG = System.getLogger(NetworkClient.class.getName());

    private final ClientConfig config;
    private final Selector selector;
    private final LongSupplier clockMs;
    private final Map<Node, Connection> connections = new HashMap<>();
    private final List<Consumer<Node>> disconnectListeners = new CopyOnWriteArrayList<>();
    /** security.protocol=SSL: every connection's engine comes from it; null for plaintext. */
    private final TlsContext tls;
    private final TlsBufferPool tlsBuffers = new TlsBufferPool(8);
    private final ConnectionAuthenticator authenticator;
    private int nextCorrelationId;

    /** @throws dev.sluice.protocol.tls.TlsConfigException if the ssl.* settings cannot work (naming the setting) */
    ConnectionDriver(ClientConfig config, Selector selector, LongSupplier clockMs) {
        this.config = config;
        this.selector = selector;
        this.clockMs = clockMs;
        this.tls = config.security().tlsContext();
        this.authenticator = config.security().authenticator();
    }

    void onDisconnect(Consumer<Node> listener) {
        disconnectListeners.add(listener);
    }

    /** The connection to {@code node}, created (disconnected) on first use. */
    Connection connection(Node node) {
        return connections.computeIfAbsent(node, Connection::new);
    }

    /** The connection to {@code node}, or null if it was never used. */
    Connection existing(Node node) {
        return connections.get(node);
    }

    void enqueue(Node node, ClientRequest request) {
        Connection c = connection(node);
        c.requests.queue(request);
        if (c.state == Connection.State.READY) {
            writeMore(c);
        }
    }

    /** Timeouts, (re)connects and queued writes; returns ms until the next deadline, at most {@code maxSleepMs}. */
    long maintain(long now, long maxSleepMs) {
        long sleep = maxSleepMs;
        for (Connection c : new ArrayList<>(connections.values())) {
            ClientRequest head = c.requests.oldestAwaiting();
            if (head != null && head.deadlineMs <= now) {
                close(c, new TimeoutException("request " + head.api.apiName() + " to " + c.node
                        + " timed out"), true);
            }
            ClientRequest expired;
            while ((expired = c.requests.takeExpiredQueued(now)) != null) {
                expired.future.completeExceptionally(new TimeoutException("request " + expired.api.apiName()
                        + " to " + c.node + " was not sent in time (connection state " + c.state + ")"));
            }
            if (c.state == Connection.State.DISCONNECTED && c.requests.hasQueued()) {
                if (c.backoff.mayConnect(now)) {
                    connect(c);
                } else {
                    sleep = Math.min(sleep, c.backoff.remainingMs(now));
                }
            }
            if (c.state == Connection.State.READY) {
                writeMore(c);
            }
            long next = c.requests.nextDeadlineMs();
            if (next != Long.MAX_VALUE) {
                sleep = Math.min(sleep, next - now);
            }
        }
        return Math.max(sleep, 0);
    }

    void connect(Connection c) {
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

    /** A selected key of one of the connections: finish connecting, read responses, write more. */
    void handle(SelectionKey key) {
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
            if (c.state == Connection.State.TLS_HANDSHAKE) {
                tlsHandshake(c);
                return;
            }
            if (key.isValid() && key.isWritable() && c.pendingOutput() && !c.tls.flush()) {
                return; // the last record is still going out
            }
            if (key.isReadable()) {
                ByteBuffer frame;
                while (c.state != Connection.State.DISCONNECTED && (frame = c.readFrame()) != null) {
                    received(c, frame);
                }
            }
            if (key.isValid() && key.isWritable() && c.requests.isWriting()) {
                if (flush(c) && c.state == Connection.State.READY) {
                    writeMore(c);
                }
            }
        } catch (Connection.TlsAnswerException e) {
            // not retriable: the same settings meet the same TLS listener again
            close(c, new AuthenticationException(e.getMessage(), e), true);
        } catch (IOException e) {
            close(c, new NetworkException("connection to " + c.node + " failed: " + e.getMessage(), e), true);
        }
    }

    private void connected(Connection c) throws IOException {
        if (tls != null) {
            c.tls = new TlsChannel(c.channel, tls.clientEngine(c.node.host(), c.node.port()), tlsBuffers);
            c.state = Connection.State.TLS_HANDSHAKE;
            c.key.interestOps(SelectionKey.OP_READ);
            tlsHandshake(c);
            return;
        }
        negotiate(c);
    }

    private void negotiate(Connection c) throws IOException {
        c.state = Connection.State.NEGOTIATING;
        c.key.interestOps(SelectionKey.OP_READ);
        sendApiVersions(c, ApiKey.API_VERSIONS.latestStableVersion());
    }

    /** Moves the TLS handshake on; when done, the ApiVersions exchange starts. A failure closes the connection for good. */
    private void tlsHandshake(Connection c) throws IOException {
        boolean done;
        try {
            done = c.tls.handshake();
        } catch (SSLException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "TLS handshake with " + c.node + " failed: " + e.getMessage());
            close(c, new AuthenticationException("TLS handshake with " + c.node + " failed: " + e.getMessage(), e), true);
            return;
        }
        if (done) {
            negotiate(c);
        } else {
            c.key.interestOps(SelectionKey.OP_READ | (c.pendingOutput() ? SelectionKey.OP_WRITE : 0));
        }
    }

    private void sendApiVersions(Connection c, short version) throws IOException {
        startSend(c, VersionHandshake.request(version, clockMs.getAsLong() + config.requestTimeoutMs()), version);
        flush(c);
    }

    /** Moves queued requests onto the wire while the in-flight limit allows. */
    private void writeMore(Connection c) {
        try {
            while (!c.requests.isWriting() && c.requests.hasQueued()
                    && c.requests.awaitingResponse() < config.maxInFlightPerConnection()) {
                ClientRequest request = c.requests.nextQueued();
                short version = c.versions.versionFor(request.api, request.builder.maxVersion());
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
        int correlationId = nextCorrelationId++;
        Send frame;
        try {
            Struct body = request.builder.build(version);
            // a body the version cannot carry fails its request, not the I/O thread and every other request
            frame = RequestWriter.write(new RequestHeader(request.api, version, correlationId, config.clientId()), body);
        } catch (RuntimeException e) {
            request.future.completeExceptionally(e);
            return;
        }
        request.version = version;
        request.correlationId = correlationId;
        c.requests.startWrite(frame, request);
    }

    /** Writes what the socket takes; true when the current send is complete. */
    private boolean flush(Connection c) throws IOException {
        Send send = c.requests.currentWrite();
        if (send == null) {
            return true;
        }
        if (!send.writeTo(c.out())) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return false;
        }
        ClientRequest done = c.requests.finishWrite();
        c.key.interestOps(SelectionKey.OP_READ | (c.pendingOutput() ? SelectionKey.OP_WRITE : 0));
        if (!done.expectResponse) {
            done.future.complete(new Response(c.node, done.version, null));
        }
        return true;
    }

    private void received(Connection c, ByteBuffer frame) throws IOException {
        ClientRequest request = c.requests.takeAnswered();
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
        if (request.authentication) {
            request.future.complete(new Response(c.node, request.version, response.body()));
        } else if (request.fixedVersion >= 0) {
            negotiated(c, request, response.body());
        } else {
            request.future.complete(new Response(c.node, request.version, response.body()));
        }
    }

    private void negotiated(Connection c, ClientRequest request, Struct body) throws IOException {
        VersionHandshake.Outcome outcome = VersionHandshake.outcome(request, body);
        if (outcome instanceof VersionHandshake.Outcome.Retry retry) {
            sendApiVersions(c, retry.version());
            return;
        }
        if (outcome instanceof VersionHandshake.Outcome.Failed failed) {
            throw new IOException("ApiVersions failed on " + c.node + ": " + failed.error());
        }
        c.versions = ((VersionHandshake.Outcome.Ready) outcome).versions();
        if (authenticator != null) {
            authenticate(c);
            return;
        }
        ready(c);
    }

    /**
     * The SASL hook: the authenticator's requests go out on this connection alone; the connection is ready when
     * its stage completes, closed with the failure when it fails.
     */
    private void authenticate(Connection c) {
        c.state = Connection.State.AUTHENTICATING;
        ConnectionAuthenticator.Exchange exchange = new ConnectionAuthenticator.Exchange() {
            @Override
            public String broker() {
                return c.node.host() + ":" + c.node.port();
            }

            @Override
            public short version(ApiKey api) {
                return c.versions == null ? -1 : c.versions.versionFor(api, api.latestVersion());
            }

            @Override
            public java.util.concurrent.CompletableFuture<Struct> send(ApiKey api, short version, Struct body) {
                ClientRequest request = new ClientRequest(api, v -> body, true,
                        clockMs.getAsLong() + config.requestTimeoutMs());
                request.fixedVersion = version;
                request.authentication = true;
                startSend(c, request, version);
                try {
                    flush(c);
                } catch (IOException e) {
                    close(c, new NetworkException("write to " + c.node + " failed: " + e.getMessage(), e), true);
                }
                return request.future.thenApply(Response::body);
            }
        };
        java.util.concurrent.CompletionStage<Void> login;
        try {
            login = authenticator.authenticate(exchange);
        } catch (RuntimeException e) {
            login = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        login.whenComplete((ok, failure) -> {
            if (c.state != Connection.State.AUTHENTICATING) {
                return; // closed meanwhile
            }
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                close(c, cause instanceof SluiceClientException s ? s
                        : new AuthenticationException("authentication with " + c.node + " failed: " + cause.getMessage(), cause),
                        true);
            } else {
                ready(c);
            }
        });
    }

    private void ready(Connection c) {
        c.state = Connection.State.READY;
        c.backoff.succeeded();
        LOG.log(System.Logger.Level.DEBUG, () -> "connected to " + c.node);
        writeMore(c);
    }

    /**
     * Closes {@code c}'s socket and fails all its requests with {@code cause} (after a timeout,
     * only the timed-out request gets the timeout; the rest were merely disconnected).
     */
    void close(Connection c, SluiceClientException cause, boolean notify) {
        boolean wasReady = c.state == Connection.State.READY;
        if (c.key != null) {
            c.key.cancel();
        }
        if (c.tls != null) {
            try {
                c.tls.close(); // close_notify if the socket takes it; the buffers go back to the pool
            } catch (IOException ignored) {
                // closing anyway
            }
            c.tls = null;
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
        c.backoff.failed(clockMs.getAsLong(), config);
        List<ClientRequest> failed = c.requests.drainAll();
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

    /** Closes every open connection with a backoff reset, so the next request reconnects at once. */
    void disconnectAll() {
        connections.values().forEach(c -> {
            if (c.state != Connection.State.DISCONNECTED) {
                close(c, new NetworkException("disconnected by the client"), true);
                c.backoff.reset();
            }
        });
    }

    /** Closes every connection without telling the listeners (the client is closing). */
    void closeAll(SluiceClientException cause) {
        for (Connection c : connections.values()) {
            close(c, cause, false);
        }
    }

    /** Fails the requests queued after {@link #closeAll} (they raced the close). */
    void failQueued(SluiceClientException cause) {
        for (Connection c : connections.values()) {
            c.requests.drainQueued().forEach(r -> r.future.completeExceptionally(cause));
        }
    }
}

package dev.sluice.broker.network;

import java.util.List;

/**
 * Settings of the network layer, named after the Kafka broker configs they mirror.
 *
 * @param listeners                 endpoints to bind ({@code listeners})
 * @param networkThreads            processor (selector) threads ({@code num.network.threads})
 * @param ioThreads                 request-handler threads ({@code num.io.threads})
 * @param queuedMaxRequests         capacity of the queue between processors and handlers ({@code queued.max.requests})
 * @param queuedMaxRequestBytes     budget for request payloads held in memory, -1 = unbounded ({@code queued.max.request.bytes});
 *                                  the default is {@link #defaultQueuedMaxRequestBytes()}, sized to the JVM's memory
 * @param maxInFlightPerConnection  requests one connection may have unanswered before the server stops reading it
 * @param maxRequestBytes           largest accepted request frame ({@code socket.request.max.bytes})
 * @param connectionsMaxIdleMs      close connections silent for this long ({@code connections.max.idle.ms})
 * @param maxConnections            refuse connections beyond this many ({@code max.connections})
 * @param socketSendBufferBytes     SO_SNDBUF, -1 = OS default ({@code socket.send.buffer.bytes})
 * @param socketReceiveBufferBytes  SO_RCVBUF, -1 = OS default ({@code socket.receive.buffer.bytes})
 * @param shutdownTimeoutMs         how long a graceful close waits for in-flight requests to be answered
 * @param requestReceiveTimeoutMs   a request frame whose bytes have not all arrived this long after its size
 *                                  closes its connection ({@code socket.request.receive.timeout.ms}, Sluice's own);
 *                                  so does a TLS handshake not done this long after the accept
 * @param security                  the TLS listeners' settings ({@code ssl.*}, a listener's own {@code listener.name.<l>.ssl.*})
 */
public record SocketServerConfig(List<Endpoint> listeners, int networkThreads, int ioThreads,
                                 int queuedMaxRequests, long queuedMaxRequestBytes, int maxInFlightPerConnection,
                                 int maxRequestBytes, long connectionsMaxIdleMs, int maxConnections,
                                 int socketSendBufferBytes, int socketReceiveBufferBytes, long shutdownTimeoutMs,
                                 long requestReceiveTimeoutMs, ListenerSecurity security) {

    public static final int DEFAULT_NETWORK_THREADS = 2;
    public static final int DEFAULT_IO_THREADS = 4;
    public static final int DEFAULT_QUEUED_MAX_REQUESTS = 500;
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 8;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;
    public static final long DEFAULT_CONNECTIONS_MAX_IDLE_MS = 10 * 60 * 1000L;
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 100 * 1024;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
    /** kafka-clients gives up on a request after {@code request.timeout.ms} (30 s): a frame slower than that is abandoned. */
    public static final long DEFAULT_REQUEST_RECEIVE_TIMEOUT_MS = 30_000;
    private static final long MIN_DEFAULT_QUEUED_BYTES = 16L << 20;

    public SocketServerConfig {
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is required");
        }
        if (listeners.stream().map(Endpoint::listenerName).distinct().count() != listeners.size()) {
            throw new IllegalArgumentException("listener names must be unique: " + listeners);
        }
        requirePositive("networkThreads", networkThreads);
        requirePositive("ioThreads", ioThreads);
        requirePositive("queuedMaxRequests", queuedMaxRequests);
        requirePositive("maxInFlightPerConnection", maxInFlightPerConnection);
        requirePositive("maxRequestBytes", maxRequestBytes);
        requirePositive("connectionsMaxIdleMs", connectionsMaxIdleMs);
        requirePositive("maxConnections", maxConnections);
        requirePositive("requestReceiveTimeoutMs", requestReceiveTimeoutMs);
        if (queuedMaxRequestBytes != -1 && queuedMaxRequestBytes < 1) {
            throw new IllegalArgumentException("queuedMaxRequestBytes must be -1 or positive: " + queuedMaxRequestBytes);
        }
        java.util.Objects.requireNonNull(security, "security");
        if (shutdownTimeoutMs < 0) {
            throw new IllegalArgumentException("shutdownTimeoutMs must be >= 0: " + shutdownTimeoutMs);
        }
    }

    /** Kafka's defaults for the given listeners, except a finite request memory budget. */
    public static SocketServerConfig defaults(List<Endpoint> listeners) {
        return new SocketServerConfig(listeners, DEFAULT_NETWORK_THREADS, DEFAULT_IO_THREADS, DEFAULT_QUEUED_MAX_REQUESTS,
                defaultQueuedMaxRequestBytes(), DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, DEFAULT_MAX_REQUEST_BYTES,
                DEFAULT_CONNECTIONS_MAX_IDLE_MS, Integer.MAX_VALUE, DEFAULT_SOCKET_BUFFER_BYTES, DEFAULT_SOCKET_BUFFER_BYTES,
                DEFAULT_SHUTDOWN_TIMEOUT_MS, DEFAULT_REQUEST_RECEIVE_TIMEOUT_MS, ListenerSecurity.NONE);
    }

    /**
     * The default {@code queued.max.request.bytes}: a quarter of the smaller of the heap and the
     * direct-memory limit (frames up to 1 MiB are direct buffers, larger ones heap arrays), at least
     * 16 MiB. Kafka's default is unbounded; here thousands of clients announcing large frames would
     * otherwise pin memory until the JVM fails (issue 19.5).
     */
    public static long defaultQueuedMaxRequestBytes() {
        long heap = Runtime.getRuntime().maxMemory();
        long direct = JvmMemory.maxDirectMemory();
        return Math.max(MIN_DEFAULT_QUEUED_BYTES, Math.min(heap, direct) / 4);
    }

    public static SocketServerConfig defaults(Endpoint... listeners) {
        return defaults(List.of(listeners));
    }

    public SocketServerConfig withThreads(int network, int io) {
        return new SocketServerConfig(listeners, network, io, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlightPerConnection, maxRequestBytes, connectionsMaxIdleMs, maxConnections,
                socketSendBufferBytes, socketReceiveBufferBytes, shutdownTimeoutMs, requestReceiveTimeoutMs, security);
    }

    public SocketServerConfig withQueueLimits(int maxRequests, long maxRequestBytesQueued, int maxInFlight) {
        return new SocketServerConfig(listeners, networkThreads, ioThreads, maxRequests, maxRequestBytesQueued,
                maxInFlight, maxRequestBytes, connectionsMaxIdleMs, maxConnections,
                socketSendBufferBytes, socketReceiveBufferBytes, shutdownTimeoutMs, requestReceiveTimeoutMs, security);
    }

    public SocketServerConfig withMaxRequestBytes(int v) {
        return new SocketServerConfig(listeners, networkThreads, ioThreads, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlightPerConnection, v, connectionsMaxIdleMs, maxConnections,
                socketSendBufferBytes, socketReceiveBufferBytes, shutdownTimeoutMs, requestReceiveTimeoutMs, security);
    }

    public SocketServerConfig withConnectionLimits(long maxIdleMs, int maxConns) {
        return new SocketServerConfig(listeners, networkThreads, ioThreads, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlightPerConnection, maxRequestBytes, maxIdleMs, maxConns,
                socketSendBufferBytes, socketReceiveBufferBytes, shutdownTimeoutMs, requestReceiveTimeoutMs, security);
    }

    public SocketServerConfig withSocketBuffers(int sendBytes, int receiveBytes) {
        return new SocketServerConfig(listeners, networkThreads, ioThreads, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlightPerConnection, maxRequestBytes, connectionsMaxIdleMs, maxConnections,
                sendBytes, receiveBytes, shutdownTimeoutMs, requestReceiveTimeoutMs, security);
    }

    public SocketServerConfig withShutdownTimeoutMs(long v) {
        return new SocketServerConfig(listeners, networkThreads, ioThreads, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlightPerConnection, maxRequestBytes, connectionsMaxIdleMs, maxConnections,
                socketSendBufferBytes, socketReceiveBufferBytes, v, requestReceiveTimeoutMs, security);
    }

    public SocketServerConfig withRequestReceiveTimeoutMs(long v) {
        return new SocketServerConfig(listeners, networkThreads, ioThreads, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlightPerConnection, maxRequestBytes, connectionsMaxIdleMs, maxConnections,
                socketSendBufferBytes, socketReceiveBufferBytes, shutdownTimeoutMs, v, security);
    }

    public SocketServerConfig withSecurity(ListenerSecurity v) {
        return new SocketServerConfig(listeners, networkThreads, ioThreads, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlightPerConnection, maxRequestBytes, connectionsMaxIdleMs, maxConnections,
                socketSendBufferBytes, socketReceiveBufferBytes, shutdownTimeoutMs, requestReceiveTimeoutMs, v);
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}

package dev.sluice.broker.network;

import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.tls.TlsChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One client socket and its requests, owned by a single {@link Processor} thread (nothing here is
 * thread-safe). A request moves through three queues, always in arrival order:
 * {@code undispatched} (read, waiting for the handler queue or for the previous request's handler),
 * {@code awaiting} (with a handler, waiting to be completed) and {@code outbound} (its response
 * being written). Responses leave only from the head of {@code awaiting}, which is what keeps them
 * in request order when handlers finish out of order.
 */
final class Connection {
    private final long id;
    private final Endpoint listener;
    private final InetSocketAddress remoteAddress;
    private final SocketChannel channel;
    private final Processor processor;
    final FrameReader reader;
    /** TLS over the socket (SSL and SASL_SSL listeners); null on a plaintext listener, whose bytes go straight to the socket. */
    final TlsChannel tls;
    private final ReadableByteChannel in;
    private final GatheringByteChannel out;
    /** When the acceptor's socket was adopted: a TLS handshake must be done within the frame timeout of it. */
    long adoptedNanos;

    final ArrayDeque<NetworkRequest> undispatched = new ArrayDeque<>();
    final ArrayDeque<NetworkRequest> awaiting = new ArrayDeque<>();
    final ArrayDeque<Send> outbound = new ArrayDeque<>();
    /** The request of each response in {@code outbound}, same order: told to the observer once written. */
    final ArrayDeque<NetworkRequest> sending = new ArrayDeque<>();
    /** The request whose handler may still be running; the next is dispatched only after it. */
    NetworkRequest inHandler;

    SelectionKey key;
    int slot;          // index in the processor's connection list
    int interestOps;
    long lastActiveNanos;
    boolean stalled;   // on the processor's retry list (handler queue full or memory budget exhausted)
    boolean closed;
    boolean peerClosed; // the client closed its side: no more reading, its complete requests still run
    long mutedUntilNanos; // a client over its quota: not read until then (valid while muted)
    boolean muted;        // on the processor's throttled list
    boolean bufferedInput; // on the processor's list of TLS connections with decrypted bytes waiting
    /**
     * Who the client is: ANONYMOUS until TLS (client certificate, on the processor thread) or SASL
     * (on a handler thread) authenticates it. Volatile because those are different threads; requests
     * of one connection are handled one after another, so a later request sees the login.
     */
    volatile KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    /** The login's per-connection state (SASL), owned by the security layer; written by handler threads. */
    volatile Object authentication;
    /**
     * Who asks, as the authorizer sees the last request (principal, host, listener, client id): reused while
     * those stay the same, so authorization makes no object per request. Written by handler threads, one
     * request of the connection at a time.
     */
    volatile AuthorizableRequest authorizable;
    /** The client's IP address as Kafka shows it ({@code /127.0.0.1}; "" if unknown), made once. */
    final String clientHost;

    Connection(long id, Endpoint listener, InetSocketAddress remoteAddress, SocketChannel channel,
               Processor processor, FrameReader reader, TlsChannel tls) {
        this.id = id;
        this.listener = listener;
        this.remoteAddress = remoteAddress;
        this.channel = channel;
        this.processor = processor;
        this.reader = reader;
        this.tls = tls;
        this.clientHost = remoteAddress == null || remoteAddress.getAddress() == null ? ""
                : "/" + remoteAddress.getAddress().getHostAddress();
        // plaintext: the socket itself, so responses' log slices keep going out with transferTo (zero copy)
        this.in = tls != null ? tls : channel;
        this.out = tls != null ? tls : channel;
    }

    /** Where request bytes are read from: the socket, or the TLS channel decrypting it. */
    ReadableByteChannel in() {
        return in;
    }

    /** Where responses are written: the socket, or the TLS channel encrypting them. */
    GatheringByteChannel out() {
        return out;
    }

    /** True while a TLS connection has not finished its handshake: nothing else may be read or written. */
    boolean handshaking() {
        return tls != null && !tls.isHandshakeComplete();
    }

    /** Encrypted bytes the socket has not taken yet (TLS only): the connection still needs OP_WRITE. */
    boolean pendingOutput() {
        return tls != null && tls.hasPendingOutput();
    }

    long id() {
        return id;
    }

    String listenerName() {
        return listener.listenerName();
    }

    SecurityProtocol securityProtocol() {
        return listener.securityProtocol();
    }

    InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    SocketChannel channel() {
        return channel;
    }

    Processor processor() {
        return processor;
    }

    /** Requests read but not yet fully answered: what the per-connection in-flight cap limits. */
    int inFlight() {
        return undispatched.size() + awaiting.size() + outbound.size();
    }

    /** True when the server owes this client something, so silence is not idleness. */
    boolean busy() {
        return !undispatched.isEmpty() || !awaiting.isEmpty() || reader.awaitingMemory();
    }

    boolean drained() {
        return undispatched.isEmpty() && awaiting.isEmpty() && outbound.isEmpty() && !pendingOutput();
    }

    /** Closes the socket: over TLS with close_notify if the socket takes it now, its record buffers back to their pool. */
    void closeSocket() {
        if (tls != null) {
            try {
                tls.close();
                return;
            } catch (IOException | RuntimeException e) {
                // the socket below is closed next
            }
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the socket is gone either way
        }
    }

    /**
     * Gives up the requests of a closed connection: the frame being read and those never handed to a handler
     * go back to {@code pool}; the others' frames are released by their completions, which are then dropped.
     */
    void discardRequests(FramePool pool) {
        reader.release();
        for (NetworkRequest r : undispatched) {
            pool.release(r.frameBuffer());
        }
        undispatched.clear();
        awaiting.clear();
        outbound.clear();
        sending.clear();
    }

    /** Sets the selector interest, touching the key only when it changes. */
    void interest(boolean read, boolean write) {
        int ops = (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
        if (ops != interestOps && key.isValid()) {
            key.interestOps(ops);
            interestOps = ops;
        }
    }

    @Override
    public String toString() {
        return "connection " + id + " from " + remoteAddress + " on " + listener.listenerName();
    }
}

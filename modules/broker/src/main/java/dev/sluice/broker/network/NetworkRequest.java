package dev.sluice.broker.network;

import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.protocol.Send;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One request frame read from a connection, handed to a {@link RequestHandler}, and the handle
 * through which its outcome goes back to the connection.
 *
 * <p>Completion methods may be called from any thread, once. They only enqueue the outcome for the
 * connection's network thread, which writes responses in request order. After completion the
 * payload buffer must no longer be used, not even by the response: it goes back to the
 * {@link FramePool} for the next request. Handlers that keep anything from the frame beyond
 * completion must copy it (strings are decoded, byte fields copied).
 */
public final class NetworkRequest {

    /** How a request ended, as seen by its network thread. */
    enum Outcome { RESPONSE, NO_RESPONSE, CLOSE }

    // state: the handler is running, it returned with the request still pending, a completion is
    // being recorded, or the request is complete (its outcome fields are then final)
    private static final int IN_HANDLER = 0;
    private static final int RETURNED = 1;
    private static final int COMPLETING = 2;
    private static final int COMPLETED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(NetworkRequest.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Connection connection;
    private final ByteBuffer payload;
    private final long receivedNanos;
    /** Kept apart from the payload: after completion the pooled buffer may serve another request. */
    private final int frameSize;
    private volatile int state;

    // Written by the completing thread before the request is queued to the processor; the queue publishes them.
    private Outcome outcome;
    private Send response;
    private long throttleMs;

    // Owned by the processor thread.
    boolean outcomeSeen;

    // Timings for the request metrics (Kafka's split), from the server's clock. dequeuedNanos is written by
    // the handler thread before the handler runs, completedNanos before the COMPLETED state is published, so
    // the processor sees both. handlerReturnedNanos may be written after completion: it only shortens the
    // local time when it comes first, which the state CAS in handlerReturned then publishes.
    long dequeuedNanos;
    private long handlerReturnedNanos;
    private long completedNanos;
    long responseDequeuedNanos;
    // What the handler says the request is, for the request metrics (set on the handler thread, before completion)
    private int metricsKind = -1;
    private short metricsVersion;

    NetworkRequest(Connection connection, ByteBuffer payload, long receivedNanos) {
        this.connection = connection;
        this.payload = payload;
        this.receivedNanos = receivedNanos;
        this.frameSize = payload.limit();
    }

    /** Server-unique id of the connection the request came on. */
    public long connectionId() {
        return connection.id();
    }

    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    /** The client's IP address as Kafka shows it (DescribeGroups): {@code /127.0.0.1}; "" if unknown. */
    public String clientHost() {
        return connection.clientHost;
    }

    /**
     * Who asks, as an authorizer sees this request: the connection's one, made again only when its principal
     * (a login) or the client id changed, so checking a request makes no object.
     */
    public AuthorizableRequest authorizable(String clientId) {
        AuthorizableRequest last = connection.authorizable;
        KafkaPrincipal principal = connection.principal;
        if (last != null && last.principal() == principal && last.clientId().equals(clientId)) {
            return last;
        }
        AuthorizableRequest now = new AuthorizableRequest(principal, connection.clientHost, listenerName(), clientId);
        connection.authorizable = now;
        return now;
    }

    /** Who the connection authenticated as ({@link KafkaPrincipal#ANONYMOUS} until TLS or SASL says otherwise). */
    public KafkaPrincipal principal() {
        return connection.principal;
    }

    /** Records the principal a login (SASL) established; later requests of the connection carry it. */
    public void authenticatedAs(KafkaPrincipal principal) {
        connection.principal = Objects.requireNonNull(principal, "principal");
    }

    /**
     * The connection's login state, as the security layer (SASL) left it; null at first. Requests of one
     * connection are handled one after another, so handler threads see each other's writes.
     */
    public Object authentication() {
        return connection.authentication;
    }

    public void authentication(Object state) {
        connection.authentication = state;
    }

    /** Name of the listener the connection was accepted on, e.g. {@code PLAINTEXT}. */
    public String listenerName() {
        return connection.listenerName();
    }

    /** The security protocol of that listener: whether the bytes came through TLS and whether SASL is required. */
    public SecurityProtocol securityProtocol() {
        return connection.securityProtocol();
    }

    /**
     * The frame's bytes without the size prefix, positioned at 0 and limited to the frame (the
     * buffer may be larger); the handler may consume it, until the request is completed.
     */
    public ByteBuffer payload() {
        return payload;
    }

    /** When the last byte of the frame arrived, from the server's monotonic clock ({@code Time.nanoseconds()}). */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** The frame's size without the size prefix. */
    public int frameSize() {
        return frameSize;
    }

    /**
     * Says what the request is for the request metrics (a kind index of the handler's choosing,
     * e.g. an API key, and the version); call on the handler thread before completing it.
     */
    public void tag(int kind, short version) {
        this.metricsKind = kind;
        this.metricsVersion = version;
    }

    /** The kind given to {@link #tag}, -1 if none (unreadable requests). */
    public int kind() {
        return metricsKind;
    }

    public short version() {
        return metricsVersion;
    }

    /** When a handler thread took the request off the queue. */
    public long dequeuedNanos() {
        return dequeuedNanos;
    }

    /**
     * When the handler's local work ended: its return, or the completion if that came first
     * (Kafka's apiLocalCompleteTimeNanos); the time after it, to the completion, is remote
     * (waiting in purgatory: acks=all, a long-poll fetch, a join).
     */
    public long localDoneNanos() {
        long returned = handlerReturnedNanos;
        return returned != 0 && returned - completedNanos < 0 ? returned : completedNanos;
    }

    /** When the handler returned, 0 until then (tests wait for it). */
    long handlerReturnedNanos() {
        return handlerReturnedNanos;
    }

    /** When the request was completed (its response handed to the network thread). */
    public long completedNanos() {
        return completedNanos;
    }

    /** When the network thread took the completed response up. */
    public long responseDequeuedNanos() {
        return responseDequeuedNanos;
    }

    /**
     * Sends {@code response} once every earlier request on this connection is answered. The Send is
     * the complete frame as it goes on the wire, including its int32 size prefix.
     */
    public void respond(Send response) {
        respond(response, 0);
    }

    /**
     * As {@link #respond(Send)}, then stops reading from the connection for {@code throttleMs} after the
     * response is queued: a client over its quota (KIP-219; the response carries the same time).
     */
    public void respond(Send response, long throttleMs) {
        this.throttleMs = throttleMs;
        complete(Outcome.RESPONSE, Objects.requireNonNull(response, "response"));
    }

    /** Completes without a response ({@code acks=0} produce); keeps the connection's order. */
    public void respondNothing() {
        respondNothing(0);
    }

    /** As {@link #respondNothing()}, muting the connection for {@code throttleMs}. */
    public void respondNothing(long throttleMs) {
        this.throttleMs = throttleMs;
        complete(Outcome.NO_RESPONSE, null);
    }

    /** Completes by closing the connection; earlier unsent responses are dropped. */
    public void closeConnection() {
        complete(Outcome.CLOSE, null);
    }

    public boolean isCompleted() {
        return state >= COMPLETING;
    }

    /** True once the outcome can be read (the processor checks this, not {@link #isCompleted}). */
    boolean outcomeReady() {
        return state == COMPLETED;
    }

    private void complete(Outcome how, Send send) {
        if (!tryComplete(how, send)) {
            throw new IllegalStateException("request already completed: " + this);
        }
    }

    private boolean tryComplete(Outcome how, Send send) {
        int s;
        do {
            s = state;
            if (s >= COMPLETING) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, COMPLETING));
        outcome = how;
        response = send;
        completedNanos = connection.processor().nanoTime();
        state = COMPLETED; // volatile write: whoever sees COMPLETED sees the outcome
        connection.processor().onRequestEvent(this);
        return true;
    }

    /**
     * Called by the handler thread when {@code handle} returned. If the request is still pending,
     * tells the processor it may hand the connection's next request to a handler.
     */
    void handlerReturned() {
        handlerReturnedNanos = connection.processor().nanoTime();
        if (STATE.compareAndSet(this, IN_HANDLER, RETURNED)) {
            connection.processor().onRequestEvent(this);
        }
    }

    /** For the handler pool after a failure: close the connection unless the request was already completed. */
    boolean closeIfPending() {
        return tryComplete(Outcome.CLOSE, null);
    }

    Connection connection() {
        return connection;
    }

    Outcome outcome() {
        return outcome;
    }

    Send response() {
        return response;
    }

    /** How long the connection stops reading once this request is answered (0: not throttled). */
    long throttleMs() {
        return throttleMs;
    }

    /** The payload's buffer, for the processor to give back to the pool once the request is complete. */
    ByteBuffer frameBuffer() {
        return payload;
    }

    @Override
    public String toString() {
        return "NetworkRequest{connection=" + connection.id() + " " + connection.remoteAddress()
                + ", bytes=" + frameSize + "}";
    }
}

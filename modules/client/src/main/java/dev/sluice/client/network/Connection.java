package dev.sluice.client.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import dev.sluice.protocol.tls.TlsChannel;

import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The state of one broker connection: its socket and stage, the negotiated versions, its
 * requests ({@link InFlightRequests}), its {@link ReconnectBackoff}, and the frame being read.
 * Survives disconnects so backoff and queued requests carry over.
 *
 * <p>Threads: the client's I/O thread only.
 */
final class Connection {
    /** Frames larger than this are treated as corruption rather than allocated. */
    static final int MAX_RESPONSE_SIZE = 256 * 1024 * 1024;

    /**
     * Connecting (TCP), then TLS_HANDSHAKE (SSL only), NEGOTIATING (ApiVersions), AUTHENTICATING (only with a
     * {@code ConnectionAuthenticator}: the SASL login), READY.
     */
    enum State { DISCONNECTED, CONNECTING, TLS_HANDSHAKE, NEGOTIATING, AUTHENTICATING, READY }

    final Node node;
    final InFlightRequests requests = new InFlightRequests();
    final ReconnectBackoff backoff = new ReconnectBackoff();
    State state = State.DISCONNECTED;
    SocketChannel channel;
    /** TLS over {@link #channel} (security.protocol=SSL), else null: bytes go to the socket directly. */
    TlsChannel tls;
    SelectionKey key;
    ApiVersions versions;

    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private ByteBuffer frame;

    Connection(Node node) {
        this.node = node;
    }

    /** Requests written or queued: what counts against max in-flight. */
    int load() {
        return requests.load();
    }

    /** True while a failed connection waits out its reconnect backoff. */
    boolean backingOff(long nowMs) {
        return state == State.DISCONNECTED && !backoff.mayConnect(nowMs);
    }

    /**
     * Reads whatever is available; returns the next complete response frame (after its size
     * prefix) or null if more bytes are needed.
     *
     * @throws IOException on a closed socket or an impossible frame size
     */
    ByteBuffer readFrame() throws IOException {
        if (frame == null) {
            if (in().read(sizeBuffer) < 0) {
                throw new IOException("connection closed by broker " + node);
            }
            if (sizeBuffer.hasRemaining()) {
                return null;
            }
            int size = sizeBuffer.flip().getInt();
            sizeBuffer.clear();
            if (size < 0 || size > MAX_RESPONSE_SIZE) {
                if (tls == null && looksLikeTlsRecord(size)) {
                    throw new TlsAnswerException(node);
                }
                throw new IOException("invalid response size " + size + " from " + node);
            }
            frame = ByteBuffer.allocate(size);
        }
        if (frame.hasRemaining() && in().read(frame) < 0) {
            throw new IOException("connection closed by broker " + node);
        }
        if (frame.hasRemaining()) {
            return null;
        }
        ByteBuffer complete = frame.flip();
        frame = null;
        return complete;
    }

    /**
     * True when the 4 bytes read as a size are a TLS record header: content type alert (21) or handshake (22), then
     * major version 3. A TLS listener answers a plaintext request with an alert; no Kafka frame is that large.
     */
    static boolean looksLikeTlsRecord(int size) {
        int type = size >>> 24;
        return (type == 21 || type == 22) && ((size >>> 16) & 0xff) == 3;
    }

    /** The broker answered in TLS: this connection speaks plaintext to a TLS listener, and will again if retried. */
    static final class TlsAnswerException extends IOException {
        TlsAnswerException(Node node) {
            super("broker " + node + " answered in TLS: it is an SSL or SASL_SSL listener; set security.protocol=SSL "
                    + "(or SASL_SSL with a login) and the ssl.truststore.* settings");
        }
    }

    /** Where responses are read from: the socket, or the TLS channel over it. */
    ByteChannel in() {
        return tls != null ? tls : channel;
    }

    /** Where requests are written: the socket, or the TLS channel over it. */
    GatheringByteChannel out() {
        return tls != null ? tls : channel;
    }

    /** Encrypted bytes the socket has not taken yet: keep OP_WRITE. */
    boolean pendingOutput() {
        return tls != null && tls.hasPendingOutput();
    }

    void resetReadState() {
        sizeBuffer.clear();
        frame = null;
    }
}

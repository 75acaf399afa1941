package dev.sluice.broker.interbroker;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One blocking Kafka-protocol connection from this broker to another (or to itself): connect, then
 * one request at a time, each answered before the next ({@link #exchange}). A failed exchange
 * leaves the connection closed; the caller decides whether and when to {@link #connect} again.
 * Inter-broker traffic is rare and ordered, so a plain blocking socket per peer and thread is
 * enough (Kafka's {@code NetworkClientUtils.sendAndReceive} does the same on a selector).
 *
 * <p>Threads: one owner thread calls {@link #connect}, {@link #exchange} and {@link #disconnect};
 * {@link #close} may come from any thread and aborts an exchange in progress (it then throws).
 */
public final class BlockingConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BlockingConnection.class.getName());
    /** A response larger than this is a broken peer, not an answer. */
    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private final String clientId;
    private final int socketTimeoutMs;
    private volatile SocketChannel channel;
    private volatile boolean closed;
    private InetSocketAddress target;
    private int correlationId;

    /**
     * @param clientId        the client id every request's header carries
     * @param socketTimeoutMs connect timeout and the longest wait for an answer
     */
    public BlockingConnection(String clientId, int socketTimeoutMs) {
        this.clientId = clientId;
        this.socketTimeoutMs = socketTimeoutMs;
    }

    /** Whether a connection is open (the last {@link #connect} succeeded and no exchange failed since). */
    public boolean isConnected() {
        SocketChannel ch = channel;
        return ch != null && ch.isOpen();
    }

    /** Whether a connection to {@code host:port} is open (a previous {@link #connect} to it succeeded). */
    public boolean isConnectedTo(String host, int port) {
        SocketChannel ch = channel;
        InetSocketAddress at = target;
        return ch != null && ch.isOpen() && at != null && at.getPort() == port && at.getHostString().equals(host);
    }

    /** Opens a connection to {@code host:port}, closing any previous one. */
    public void connect(String host, int port) throws IOException {
        disconnect();
        SocketChannel ch = SocketChannel.open();
        channel = ch;
        if (closed) { // close() may have run meanwhile: never leave an open channel behind
            disconnect();
            throw new IOException("connection closed");
        }
        try {
            ch.socket().setTcpNoDelay(true);
            ch.socket().setSoTimeout(socketTimeoutMs);
            InetSocketAddress address = new InetSocketAddress(host, port);
            ch.socket().connect(address, socketTimeoutMs);
            target = address;
        } catch (IOException | RuntimeException e) {
            disconnect();
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    /**
     * Sends one request and reads its answer. Any failure (reset, timeout, a response that does not
     * parse or answers another request) closes the connection and throws.
     */
    public ResponseParser.Response exchange(ApiKey api, short version, Struct body) throws IOException {
        SocketChannel ch = channel;
        if (ch == null || !ch.isOpen()) {
            throw new IOException("not connected");
        }
        try {
            int id = ++correlationId;
            Send send = RequestWriter.write(new RequestHeader(api, version, id, clientId), body);
            while (!send.writeTo(ch)) {
                Thread.onSpinWait(); // a blocking channel takes everything; loop only for safety
            }
            DataInputStream in = new DataInputStream(ch.socket().getInputStream());
            int size = in.readInt();
            if (size < 4 || size > MAX_RESPONSE_BYTES) {
                throw new IOException("invalid response size " + size);
            }
            byte[] frame = new byte[size];
            in.readFully(frame);
            ResponseParser.Response response = ResponseParser.parse(ByteBuffer.wrap(frame), api, version);
            if (response.correlationId() != id) {
                throw new IOException("correlation id " + response.correlationId() + " answered, " + id + " expected");
            }
            return response;
        } catch (IOException | RuntimeException e) {
            disconnect();
            throw e instanceof IOException io ? io : new IOException(api.apiName() + " v" + version + ": " + e, e);
        }
    }

    /** Closes the current connection, if any; a later {@link #connect} opens a new one. */
    public void disconnect() {
        SocketChannel ch = channel;
        channel = null;
        target = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing an inter-broker connection", e);
            }
        }
    }

    /** Closes for good: an exchange in progress fails, later connects throw. Any thread. */
    @Override
    public void close() {
        closed = true;
        SocketChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing an inter-broker connection", e);
            }
        }
    }
}

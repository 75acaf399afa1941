package dev.sluice.broker.interbroker;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * One blocking Kafka-protocol connection from this broker to another (or to itself): connect, then
 * one request at a time, each answered before the next ({@link #exchange}). A failed exchange
 * leaves the connection closed; the caller decides whether and when to {@link #connect} again.
 * Inter-broker traffic is rare and ordered, so a plain blocking socket per peer and thread is
 * enough (Kafka's {@code NetworkClientUtils.sendAndReceive} does the same on a selector). Over a TLS
 * inter-broker listener the socket is an {@code SSLSocket} whose handshake is done in {@link #connect};
 * the {@link InterBrokerSecurity.Authenticator} (SASL) runs next.
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
    private final InterBrokerSecurity security;
    private volatile Socket socket;
    private volatile boolean closed;
    private DataInputStream in;
    private OutputStream out;
    private String targetHost;
    private int targetPort;
    private int correlationId;

    /**
     * A plaintext connection.
     *
     * @param clientId        the client id every request's header carries
     * @param socketTimeoutMs connect timeout and the longest wait for an answer
     */
    public BlockingConnection(String clientId, int socketTimeoutMs) {
        this(clientId, socketTimeoutMs, InterBrokerSecurity.plaintext(""));
    }

    /** A connection secured as {@code security} says (TLS, then its authenticator). */
    public BlockingConnection(String clientId, int socketTimeoutMs, InterBrokerSecurity security) {
        this.clientId = clientId;
        this.socketTimeoutMs = socketTimeoutMs;
        this.security = security;
    }

    /** Whether a connection is open (the last {@link #connect} succeeded and no exchange failed since). */
    public boolean isConnected() {
        Socket s = socket;
        return s != null && !s.isClosed();
    }

    /** Whether a connection to {@code host:port} is open (a previous {@link #connect} to it succeeded). */
    public boolean isConnectedTo(String host, int port) {
        return isConnected() && port == targetPort && host.equals(targetHost);
    }

    /** Where the current connection goes, as {@code host:port} (messages of its login). */
    public String peer() {
        return targetHost + ":" + targetPort;
    }

    /** Opens a connection to {@code host:port} (TLS handshake and login included), closing any previous one. */
    public void connect(String host, int port) throws IOException {
        disconnect();
        if (closed) {
            throw new IOException("connection closed");
        }
        Socket s;
        if (security.tls() != null) {
            s = security.tls().connect(host, port, socketTimeoutMs); // the handshake checks the peer's certificate
        } else {
            s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), socketTimeoutMs);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
        socket = s;
        if (closed) { // close() may have run meanwhile: never leave an open socket behind
            disconnect();
            throw new IOException("connection closed");
        }
        try {
            s.setSoTimeout(socketTimeoutMs);
            in = new DataInputStream(s.getInputStream());
            out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
            targetHost = host;
            targetPort = port;
            security.authenticator().authenticate(this);
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
        Socket s = socket;
        if (s == null || s.isClosed()) {
            throw new IOException("not connected");
        }
        try {
            int id = ++correlationId;
            Send send = RequestWriter.write(new RequestHeader(api, version, id, clientId), body);
            while (!send.writeTo(new StreamChannel(out))) {
                Thread.onSpinWait(); // a stream takes everything; loop only for safety
            }
            out.flush();
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
        Socket s = socket;
        socket = null;
        targetHost = null;
        targetPort = -1;
        closeQuietly(s);
    }

    /** Closes for good: an exchange in progress fails, later connects throw. Any thread. */
    @Override
    public void close() {
        closed = true;
        Socket s = socket;
        socket = null;
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing an inter-broker connection", e);
            }
        }
    }

    /** A request's buffers written to a blocking stream (requests carry no file slices). */
    private record StreamChannel(OutputStream out) implements GatheringByteChannel {
        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (src.hasArray()) {
                out.write(src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.limit());
            } else {
                byte[] copy = new byte[n];
                src.get(copy);
                out.write(copy);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}

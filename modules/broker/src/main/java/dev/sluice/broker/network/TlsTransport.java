package dev.sluice.broker.network;

import dev.sluice.protocol.tls.TlsBufferPool;
import dev.sluice.protocol.tls.TlsChannel;
import dev.sluice.protocol.tls.TlsContext;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The TLS side of a processor's connections (SSL and SASL_SSL listeners): the {@link TlsChannel} each
 * new one gets, over record buffers shared by the processor's connections; the handshake ({@link #advance}),
 * the principal once it is done ({@link TlsPrincipals} through {@code ssl.principal.mapping.rules}), and on
 * failure one log line saying what went wrong and what to check; and the connections holding decrypted
 * input the selector cannot report ({@link #readBuffered}). Plaintext connections never come here: their
 * bytes go straight between the socket and the frames (responses' log slices with {@code transferTo}).
 *
 * <p>Threads: the owning {@link Processor}'s only.
 */
final class TlsTransport {
    private static final System.Logger LOG = System.getLogger(Processor.class.getName());
    /** Idle TLS record buffers kept per processor (about 18 KiB each). */
    private static final int IDLE_BUFFERS = 64;

    /** Where a handshake stands after {@link #advance}. */
    enum Step { DONE, PENDING, FAILED }

    /**
     * One TLS listener's side: its context (keystore, truststore, {@code ssl.client.auth}) and how a client
     * certificate's subject becomes a principal ({@code ssl.principal.mapping.rules}), either its own
     * ({@code listener.name.<l>.ssl.*}) or the broker's.
     */
    record Listener(TlsContext context, SslPrincipalMapper principalMapper) {
    }

    /** By listener name; the processors share it. */
    private final Map<String, Listener> listeners;
    private final NetworkMetrics metrics;
    private final TlsBufferPool buffers = new TlsBufferPool(IDLE_BUFFERS);
    /**
     * Connections holding decrypted bytes (or whole records) the selector cannot report: read again
     * without waiting for OP_READ once they may read.
     */
    private final ArrayList<Connection> bufferedInput = new ArrayList<>();

    /** @param listeners every TLS listener's side, by listener name (empty when no listener uses TLS) */
    TlsTransport(Map<String, Listener> listeners, NetworkMetrics metrics) {
        this.listeners = listeners;
        this.metrics = metrics;
    }

    /** The TLS channel for a new connection on {@code listener}; null on a plaintext listener. */
    TlsChannel open(SocketChannel channel, Endpoint listener, InetSocketAddress remote) {
        return listener.securityProtocol().usesTls()
                ? new TlsChannel(channel, listeners.get(listener.listenerName()).context().serverEngine(remote), buffers) : null;
    }

    /** Moves {@code c}'s handshake on as far as its socket allows; FAILED: the caller closes the connection. */
    Step advance(Connection c) throws IOException {
        try {
            if (!c.tls.handshake()) {
                return Step.PENDING;
            }
        } catch (SSLException e) {
            metrics.tlsHandshakeFailures.increment();
            LOG.log(Level.INFO, () -> "closing " + c + ": TLS handshake failed: " + e.getMessage() + hint(e));
            return Step.FAILED;
        } catch (EOFException e) {
            LOG.log(Level.DEBUG, () -> "closing " + c + ": " + e.getMessage());
            return Step.FAILED;
        }
        try {
            c.principal = TlsPrincipals.of(c.tls.session(), listeners.get(c.listenerName()).principalMapper());
        } catch (IllegalArgumentException e) { // no mapping rule applies: Kafka refuses the client too
            metrics.tlsHandshakeFailures.increment();
            LOG.log(Level.INFO, () -> "closing " + c + ": " + e.getMessage());
            return Step.FAILED;
        }
        metrics.tlsHandshakes.increment();
        LOG.log(Level.DEBUG, () -> c + ": TLS " + c.tls.session().getProtocol() + " " + c.tls.session().getCipherSuite()
                + " as " + c.principal);
        return Step.DONE;
    }

    /** After {@code c}'s interest was set: remembers it if it holds input the selector will not report. */
    void noteBufferedInput(Connection c) {
        if (c.tls != null && !c.bufferedInput && c.tls.hasBufferedInput()) {
            c.bufferedInput = true;
            bufferedInput.add(c);
        }
    }

    /**
     * Reads ({@code read}: the processor's read, closing on failure) the connections whose decrypted bytes wait
     * and that {@code mayRead} (in-flight cap, memory, throttle, draining); true if some may read more right away.
     */
    boolean readBuffered(Predicate<Connection> mayRead, Consumer<Connection> read) {
        boolean more = false;
        for (int i = bufferedInput.size() - 1; i >= 0; i--) {
            Connection c = bufferedInput.get(i);
            if (!c.closed && c.tls.hasBufferedInput() && mayRead.test(c)) {
                read.accept(c);
            }
            if (c.closed || !c.tls.hasBufferedInput()) {
                c.bufferedInput = false;
                bufferedInput.set(i, bufferedInput.get(bufferedInput.size() - 1));
                bufferedInput.remove(bufferedInput.size() - 1);
            } else if (mayRead.test(c)) {
                more = true;
            }
        }
        return more;
    }

    /** What the usual handshake failures mean for whoever reads the log. */
    static String hint(SSLException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
            return " (a client speaking PLAINTEXT to a TLS listener?)";
        }
        if (m.contains("certificate_unknown") || m.contains("unknown_ca") || m.contains("bad_certificate")) {
            return " (the client does not trust this broker's certificate: check its truststore)";
        }
        if (m.contains("PKIX") || m.contains("certificate_expired") || m.contains("validity")) {
            return " (the client's certificate is not trusted or not valid: check ssl.truststore and its dates)";
        }
        if (m.contains("Empty client certificate chain") || m.contains("certificate_required")) {
            return " (ssl.client.auth=required and the client sent no certificate)";
        }
        return "";
    }
}

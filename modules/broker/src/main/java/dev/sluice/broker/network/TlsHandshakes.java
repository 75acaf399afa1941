package dev.sluice.broker.network;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The TLS handshake of a processor's connections: moving it on, the principal once it is done
 * ({@link TlsPrincipals} through {@code ssl.principal.mapping.rules}), and on failure one log line
 * saying what went wrong and what to check. Threads: the owning processor's only.
 */
final class TlsHandshakes {
    private static final System.Logger LOG = System.getLogger(Processor.class.getName());

    /** Where a handshake stands after {@link #advance}. */
    enum Step { DONE, PENDING, FAILED }

    private final SslPrincipalMapper principalMapper;
    private final NetworkMetrics metrics;

    TlsHandshakes(SslPrincipalMapper principalMapper, NetworkMetrics metrics) {
        this.principalMapper = principalMapper;
        this.metrics = metrics;
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
            c.principal = TlsPrincipals.of(c.tls.session(), principalMapper);
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

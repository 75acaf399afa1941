package dev.sluice.client.config;

import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.protocol.sasl.SaslClientSettings;
import dev.sluice.protocol.tls.TlsContext;
import dev.sluice.protocol.tls.TlsSettings;

import java.util.Objects;

/**
 * How a client's connections are secured: {@code security.protocol}, the {@code ssl.*} settings when it
 * uses TLS (read into a {@link TlsContext} once, when the client starts), and the step a SASL protocol
 * adds after the ApiVersions exchange ({@link ConnectionAuthenticator}). Immutable; any thread.
 *
 * @param protocol      {@code security.protocol}
 * @param tls           the {@code ssl.*} settings, null unless the protocol uses TLS
 * @param authenticator the login every new connection runs before its first request; null for none
 */
public record ClientSecurity(SecurityProtocol protocol, TlsSettings tls, ConnectionAuthenticator authenticator) {
    public static final ClientSecurity PLAINTEXT = new ClientSecurity(SecurityProtocol.PLAINTEXT, null, null);

    public ClientSecurity {
        Objects.requireNonNull(protocol, "protocol");
        if (protocol.usesTls() && tls == null) {
            throw new IllegalArgumentException(protocol + " needs the ssl.* settings");
        }
    }

    /** TLS with {@code settings} (security.protocol=SSL). */
    public static ClientSecurity ssl(TlsSettings settings) {
        return new ClientSecurity(SecurityProtocol.SSL, settings, null);
    }

    /**
     * The protocol {@code tls} and {@code sasl} make (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL), with the SASL
     * login as the authenticator.
     *
     * @param tls  the {@code ssl.*} settings, null without TLS
     * @param sasl the login, null without SASL
     */
    public static ClientSecurity of(TlsSettings tls, SaslClientSettings sasl) {
        if (sasl == null) {
            return tls == null ? PLAINTEXT : ssl(tls);
        }
        return new ClientSecurity(tls == null ? SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.SASL_SSL, tls,
                new SaslLogin(sasl));
    }

    /** The same, with {@code a} run on each new connection (a SASL login). */
    public ClientSecurity withAuthenticator(ConnectionAuthenticator a) {
        return new ClientSecurity(protocol, tls, a);
    }

    /** Builds the TLS context (reading the truststore and keystore), null without TLS. */
    public TlsContext tlsContext() {
        return tls == null ? null : TlsContext.create(tls, false);
    }
}

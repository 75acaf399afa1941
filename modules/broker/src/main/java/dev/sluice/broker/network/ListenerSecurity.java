package dev.sluice.broker.network;

import dev.sluice.protocol.tls.TlsSettings;

import java.util.Objects;

/**
 * How the TLS listeners secure their connections: the {@code ssl.*} settings (keystore, truststore,
 * protocols, {@code ssl.client.auth}) and how a client certificate's subject becomes a principal
 * ({@code ssl.principal.mapping.rules}). Immutable.
 *
 * @param tls              the settings of every SSL / SASL_SSL listener; null when there is none
 * @param principalMapper  client certificate subject to user name
 */
public record ListenerSecurity(TlsSettings tls, SslPrincipalMapper principalMapper) {
    /** No TLS listener. */
    public static final ListenerSecurity NONE = new ListenerSecurity(null, SslPrincipalMapper.DEFAULT);

    public ListenerSecurity {
        Objects.requireNonNull(principalMapper, "principalMapper");
    }
}

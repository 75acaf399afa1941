package dev.sluice.broker.network;

import dev.sluice.protocol.tls.TlsSettings;

import java.util.Map;
import java.util.Objects;

/**
 * How the TLS listeners secure their connections: the {@code ssl.*} settings (keystore, truststore,
 * protocols, {@code ssl.client.auth}) and how a client certificate's subject becomes a principal
 * ({@code ssl.principal.mapping.rules}), for every TLS listener, or for one listener as Kafka overrides
 * them ({@code listener.name.<listener>.ssl.*}). Immutable.
 *
 * @param defaults    the broker-wide settings, for every TLS listener without settings of its own
 * @param perListener the settings of listeners with overrides, by listener name
 */
public record ListenerSecurity(ListenerTls defaults, Map<String, ListenerTls> perListener) {
    /** No TLS listener. */
    public static final ListenerSecurity NONE = new ListenerSecurity(null, SslPrincipalMapper.DEFAULT);

    /**
     * One listener's TLS.
     *
     * @param settings        the {@code ssl.*} settings; null when none were given (no TLS listener uses them)
     * @param principalMapper client certificate subject to user name
     */
    public record ListenerTls(TlsSettings settings, SslPrincipalMapper principalMapper) {
        public ListenerTls {
            Objects.requireNonNull(principalMapper, "principalMapper");
        }
    }

    public ListenerSecurity {
        Objects.requireNonNull(defaults, "defaults");
        perListener = Map.copyOf(perListener);
    }

    /** Every TLS listener with the same settings. */
    public ListenerSecurity(TlsSettings tls, SslPrincipalMapper principalMapper) {
        this(new ListenerTls(tls, principalMapper), Map.of());
    }

    /** The TLS of the listener named {@code listenerName}. */
    public ListenerTls of(String listenerName) {
        return perListener.getOrDefault(listenerName, defaults);
    }
}

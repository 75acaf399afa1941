package dev.sluice.broker.interbroker;

import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.protocol.sasl.SaslClientSettings;
import dev.sluice.protocol.tls.TlsContext;

import java.io.IOException;
import java.util.Objects;

/**
 * How this broker connects to the others: the inter-broker listener (whose registered endpoint is
 * dialled), TLS over it when that listener's protocol uses TLS (that listener's {@code ssl.*} settings as a
 * client: its truststore, and its keystore for brokers that require client certificates), and what
 * else a new connection must do before its first request ({@link Authenticator}: over a SASL_PLAINTEXT or
 * SASL_SSL listener the login of {@link SaslInterBrokerLogin}).
 * Immutable; any thread.
 *
 * @param listenerName  the inter-broker listener's name
 * @param protocol      its security protocol
 * @param tls           the client TLS context, null for a plaintext listener
 * @param authenticator run on each new connection after TLS, before any request
 */
public record InterBrokerSecurity(String listenerName, SecurityProtocol protocol, TlsContext tls,
                                  Authenticator authenticator) {

    /**
     * What a new inter-broker connection does before its first request, on the connection's owner thread.
     * SASL listeners plug their login in here ({@link BlockingConnection#exchange} is usable inside).
     */
    @FunctionalInterface
    public interface Authenticator {
        Authenticator NONE = connection -> { };

        /** @throws IOException the login failed: the connection is closed and the attempt retried later */
        void authenticate(BlockingConnection connection) throws IOException;
    }

    public InterBrokerSecurity {
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(authenticator, "authenticator");
        if (protocol.usesTls() && tls == null) {
            throw new IllegalArgumentException("the " + protocol + " inter-broker listener " + listenerName + " needs TLS settings");
        }
    }

    /** Plain TCP to the listener named {@code listenerName} (tests, and PLAINTEXT inter-broker listeners). */
    public static InterBrokerSecurity plaintext(String listenerName) {
        return new InterBrokerSecurity(listenerName, SecurityProtocol.PLAINTEXT, null, Authenticator.NONE);
    }

    /**
     * From the broker's settings: the inter-broker listener and, if it uses TLS, a client context from the
     * {@code ssl.*} settings (reading the stores now, so a wrong one fails the start).
     */
    public static InterBrokerSecurity from(BrokerConfig config) {
        String name = config.interBrokerListener();
        SecurityProtocol protocol = config.advertisedListeners().stream().filter(e -> e.listenerName().equals(name))
                .map(Endpoint::securityProtocol).findFirst().orElse(SecurityProtocol.PLAINTEXT);
        TlsContext tls = protocol.usesTls() ? TlsContext.create(config.interBrokerTls(), false) : null;
        return new InterBrokerSecurity(name, protocol, tls, protocol.usesSasl() ? saslLogin(config, name) : Authenticator.NONE);
    }

    /**
     * The mechanism and credentials of the inter-broker SASL login, null unless the inter-broker listener uses
     * SASL (and they are set). The replica fetchers log in with them through the client's network layer.
     */
    public SaslClientSettings saslSettings() {
        return authenticator instanceof SaslInterBrokerLogin login ? login.settings() : null;
    }

    /**
     * {@code sasl.mechanism.inter.broker.protocol} with the username and password of the listener's JAAS text for
     * it. In a cluster the settings' check made sure they are there; a single node never connects to itself, so
     * without them a connection attempt fails with the reason.
     */
    private static Authenticator saslLogin(BrokerConfig config, String listener) {
        return config.sasl().interBrokerLogin(listener).<Authenticator>map(SaslInterBrokerLogin::new)
                .orElse(connection -> {
                    throw new IOException("no inter-broker SASL login: set sasl.mechanism.inter.broker.protocol and "
                            + "username/password in listener.name." + listener.toLowerCase(java.util.Locale.ROOT)
                            + ".<mechanism>.sasl.jaas.config");
                });
    }

    /** The same, with {@code authenticator} run on every new connection (SASL). */
    public InterBrokerSecurity withAuthenticator(Authenticator a) {
        return new InterBrokerSecurity(listenerName, protocol, tls, a);
    }

    /** A new, unconnected connection secured this way. */
    public BlockingConnection connection(String clientId, int socketTimeoutMs) {
        return new BlockingConnection(clientId, socketTimeoutMs, this);
    }
}

package dev.sluice.api.cluster;

import java.util.Objects;

/**
 * One listener of a registered broker, as Kafka writes it in {@code /brokers/ids/N}:
 * {@code LISTENER://host:port} plus the listener's security protocol.
 */
public record BrokerEndpoint(String listener, String securityProtocol, String host, int port) {
    public BrokerEndpoint {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port);
        }
    }

    /** A PLAINTEXT listener named PLAINTEXT. */
    public static BrokerEndpoint plaintext(String host, int port) {
        return new BrokerEndpoint("PLAINTEXT", "PLAINTEXT", host, port);
    }

    /** {@code LISTENER://host:port}, Kafka's endpoint string (IPv6 hosts in brackets). */
    public String uri() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return listener + "://" + h + ":" + port;
    }
}

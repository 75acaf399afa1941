package dev.sluice.broker.network;

import dev.sluice.api.security.SecurityProtocol;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A named listener address as Kafka writes it: {@code NAME://host:port}, with the listener's
 * security protocol (the name itself when it is one, e.g. {@code SSL}, else what
 * {@code listener.security.protocol.map} maps it to). An empty host (or {@code 0.0.0.0} /
 * {@code ::}) means every interface; port 0 means "pick a free port". Immutable.
 *
 * @param listenerName     upper-case listener name, e.g. {@code PLAINTEXT} or {@code INTERNAL}
 * @param host             host name or literal address, empty for all interfaces
 * @param port             0..65535
 * @param securityProtocol how connections to this listener are secured
 */
public record Endpoint(String listenerName, String host, int port, SecurityProtocol securityProtocol) {

    public Endpoint {
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        if (!listenerName.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("listener name must be upper-case letters, digits and '_': " + listenerName);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
    }

    /** A listener whose name is its security protocol ({@code PLAINTEXT}, {@code SSL}, ...). */
    public Endpoint(String listenerName, String host, int port) {
        this(listenerName, host, port, protocolNamed(listenerName, Map.of()));
    }

    /**
     * Parses {@code NAME://host:port} where NAME is a security protocol's name; IPv6 literals are
     * bracketed ({@code PLAINTEXT://[::1]:9092}).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Endpoint parse(String text) {
        return parse(text, Map.of());
    }

    /**
     * Parses {@code NAME://host:port}, the listener's protocol looked up in {@code protocolMap}
     * (Kafka's {@code listener.security.protocol.map}: listener name to protocol), else NAME itself.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Endpoint parse(String text, Map<String, SecurityProtocol> protocolMap) {
        String s = text.trim();
        int sep = s.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("expected NAME://host:port, got '" + text + "'");
        }
        String name = s.substring(0, sep).toUpperCase(Locale.ROOT);
        String hostPort = s.substring(sep + 3);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("missing port in '" + text + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("IPv6 host must be in brackets in '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        return new Endpoint(name, host, port, protocolNamed(name, protocolMap));
    }

    private static SecurityProtocol protocolNamed(String listenerName, Map<String, SecurityProtocol> protocolMap) {
        SecurityProtocol mapped = protocolMap.get(listenerName);
        if (mapped != null) {
            return mapped;
        }
        return SecurityProtocol.byName(listenerName).orElseThrow(() -> new IllegalArgumentException(
                "listener " + listenerName + " is not a security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL): "
                        + "map it in listener.security.protocol.map, e.g. " + listenerName + ":SSL"));
    }

    /** True when the host binds every interface, so it cannot be handed to clients as-is. */
    public boolean isWildcard() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    public Endpoint withHost(String newHost) {
        return new Endpoint(listenerName, newHost, port, securityProtocol);
    }

    public Endpoint withPort(int newPort) {
        return new Endpoint(listenerName, host, newPort, securityProtocol);
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return listenerName + "://" + h + ":" + port;
    }
}

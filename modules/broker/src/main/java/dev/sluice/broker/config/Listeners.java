package dev.sluice.broker.config;

import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.broker.network.Endpoint;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses and cross-checks {@code listeners}, {@code advertised.listeners},
 * {@code listener.security.protocol.map} and the inter-broker listener, with Kafka's rules. Stateless.
 */
final class Listeners {
    /** What clients are told for a listener bound to every interface, unless advertised.listeners says otherwise. */
    static final String WILDCARD_ADVERTISED_HOST = "localhost";

    /**
     * The security protocols this build can serve. A listener of another protocol is refused at start-up:
     * a broker must never look protected while it is not. The parts that implement TLS and SASL add theirs.
     */
    static final Set<SecurityProtocol> SERVED = EnumSet.of(SecurityProtocol.PLAINTEXT, SecurityProtocol.SSL,
            SecurityProtocol.SASL_PLAINTEXT, SecurityProtocol.SASL_SSL);

    private Listeners() {
    }

    /** {@code listener.security.protocol.map}: {@code NAME:PROTOCOL} pairs, names upper-cased. */
    static Map<String, SecurityProtocol> protocolMap(Problems reader, List<String> items) {
        Map<String, SecurityProtocol> map = new LinkedHashMap<>();
        for (String item : items) {
            int colon = item.indexOf(':');
            String name = colon < 0 ? "" : item.substring(0, colon).trim().toUpperCase(Locale.ROOT);
            Optional<SecurityProtocol> protocol = colon < 0 ? Optional.empty() : SecurityProtocol.byName(item.substring(colon + 1));
            if (name.isEmpty() || protocol.isEmpty()) {
                reader.problem("listener.security.protocol.map", item,
                        "NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
            } else if (map.put(name, protocol.get()) != null) {
                reader.problem("listener.security.protocol.map", item, "each listener name once (" + name + " repeats)");
            }
        }
        return Map.copyOf(map);
    }

    static List<Endpoint> parse(Problems reader, String key, List<String> items, Map<String, SecurityProtocol> protocols) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (String item : items) {
            try {
                Endpoint e = Endpoint.parse(item, protocols);
                if (!names.add(e.listenerName())) {
                    reader.problem(key, item, "each listener name once (" + e.listenerName() + " repeats)");
                } else if (e.port() != 0 && !ports.add(e.port()) && key.equals("listeners")) {
                    reader.problem(key, item, "each port once (" + e.port() + " repeats)");
                } else if (!SERVED.contains(e.securityProtocol())) {
                    reader.problem(key, item, "a listener of a security protocol this build serves " + SERVED
                            + " (" + e.securityProtocol() + " is not implemented yet)");
                } else {
                    endpoints.add(e);
                }
            } catch (IllegalArgumentException ex) {
                reader.problem(key, item, "NAME://host:port (" + ex.getMessage() + ")");
            }
        }
        if (items.isEmpty()) {
            reader.problem(key, "", "at least one NAME://host:port");
        }
        return List.copyOf(endpoints);
    }

    /** By default every listener is advertised, wildcard hosts as {@value #WILDCARD_ADVERTISED_HOST}. */
    static List<Endpoint> defaultAdvertised(List<Endpoint> listeners) {
        return listeners.stream().map(e -> e.isWildcard() ? e.withHost(WILDCARD_ADVERTISED_HOST) : e).toList();
    }

    /** Advertised endpoints must name a listener and give clients a host they can reach. */
    static void checkAdvertised(Problems reader, List<Endpoint> advertised, List<Endpoint> listeners) {
        Set<String> listenerNames = new HashSet<>();
        listeners.forEach(l -> listenerNames.add(l.listenerName()));
        for (Endpoint a : advertised) {
            if (!listenerNames.contains(a.listenerName())) {
                reader.problem("advertised.listeners", a.toString(), "only listener names declared in listeners "
                        + listenerNames);
            }
            if (a.isWildcard()) {
                reader.problem("advertised.listeners", a.toString(), "a host clients can connect to, not a wildcard");
            }
        }
    }

    /**
     * The listener other brokers reach this one on, Kafka's rule: {@code inter.broker.listener.name}, else the
     * listener named after {@code security.inter.broker.protocol}; it must be advertised. Sluice's leniency: with
     * neither set and no PLAINTEXT listener, the first advertised listener (a single SSL listener just works).
     *
     * @return the listener's name, or null when a problem was reported
     */
    static String interBroker(Problems reader, String listenerName, String protocol, boolean protocolSet,
                              List<Endpoint> advertised) {
        if (listenerName != null && protocolSet) {
            reader.problem("Only one of inter.broker.listener.name and security.inter.broker.protocol may be set");
            return null;
        }
        if (advertised.isEmpty()) {
            return null; // the listeners' own problem was reported
        }
        String wanted = listenerName != null ? listenerName.trim().toUpperCase(Locale.ROOT)
                : protocol.trim().toUpperCase(Locale.ROOT);
        for (Endpoint a : advertised) {
            if (a.listenerName().equals(wanted)) {
                return wanted;
            }
        }
        if (listenerName == null && !protocolSet) {
            return advertised.get(0).listenerName();
        }
        List<String> names = advertised.stream().map(Endpoint::listenerName).toList();
        reader.problem(listenerName != null ? "inter.broker.listener.name" : "security.inter.broker.protocol",
                listenerName != null ? listenerName : protocol, "the name of an advertised listener " + names);
        return null;
    }
}

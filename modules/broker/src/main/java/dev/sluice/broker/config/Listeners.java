package dev.sluice.broker.config;

import dev.sluice.broker.network.Endpoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parses and cross-checks {@code listeners} and {@code advertised.listeners}. */
final class Listeners {
    /** What clients are told for a listener bound to every interface, unless advertised.listeners says otherwise. */
    static final String WILDCARD_ADVERTISED_HOST = "localhost";

    private Listeners() {
    }

    static List<Endpoint> parse(Problems reader, String key, List<String> items) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (String item : items) {
            try {
                Endpoint e = Endpoint.parse(item);
                if (!names.add(e.listenerName())) {
                    reader.problem(key, item, "each listener name once (" + e.listenerName() + " repeats)");
                } else if (e.port() != 0 && !ports.add(e.port()) && key.equals("listeners")) {
                    reader.problem(key, item, "each port once (" + e.port() + " repeats)");
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
}

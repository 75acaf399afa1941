package dev.sluice.broker.metadata;

import java.util.Map;
import java.util.Objects;

/**
 * A live broker: id, the advertised host and port of its default listener (the first advertised
 * one), its rack (null if none), and the address of each of its listeners by name. A client is told
 * the address of the listener its request came in on ({@link #on}), as Kafka answers Metadata per
 * listener; brokers reach each other on the inter-broker listener. Immutable; any thread.
 */
public record BrokerNode(int id, String host, int port, String rack, Map<String, Address> listeners) {

    /** One listener's advertised address. */
    public record Address(String host, int port) {
        public Address {
            Objects.requireNonNull(host, "host");
        }
    }

    public BrokerNode {
        listeners = Map.copyOf(listeners);
    }

    /** A broker known by one address only (single-listener tests, UpdateMetadata v0). */
    public BrokerNode(int id, String host, int port, String rack) {
        this(id, host, port, rack, Map.of());
    }

    /**
     * This broker as seen through listener {@code listenerName}: that listener's address, or the
     * default one if the broker has no such listener (or the name is empty: not over the network).
     */
    public BrokerNode on(String listenerName) {
        Address a = listeners.get(listenerName);
        if (a == null || (a.host().equals(host) && a.port() == port)) {
            return this;
        }
        return new BrokerNode(id, a.host(), a.port(), rack, listeners);
    }
}

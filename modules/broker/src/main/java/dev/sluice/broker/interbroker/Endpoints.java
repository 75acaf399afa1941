package dev.sluice.broker.interbroker;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.RegisteredBroker;

import java.util.Optional;

/** Which registered endpoint of a broker other brokers connect to. Stateless; any thread. */
public final class Endpoints {
    private Endpoints() {
    }

    /** The endpoint of the listener named {@code listenerName}, else the broker's first PLAINTEXT one. */
    public static Optional<BrokerEndpoint> interBroker(RegisteredBroker broker, String listenerName) {
        BrokerEndpoint plaintext = null;
        for (BrokerEndpoint e : broker.info().endpoints()) {
            if (e.listener().equals(listenerName)) {
                return Optional.of(e);
            }
            if (plaintext == null && e.securityProtocol().equals("PLAINTEXT")) {
                plaintext = e;
            }
        }
        return Optional.ofNullable(plaintext);
    }
}

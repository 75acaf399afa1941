package dev.sluice.api.cluster;

import java.util.Objects;

/**
 * A live broker and its epoch: the epoch changes with every registration (a ZooKeeper store uses
 * the czxid of {@code /brokers/ids/N}), so a broker that restarted quickly is recognised as bounced
 * by its new epoch, and requests naming an older epoch are STALE_BROKER_EPOCH.
 */
public record RegisteredBroker(BrokerInfo info, long epoch) {
    public RegisteredBroker {
        Objects.requireNonNull(info, "info");
    }

    public int id() {
        return info.id();
    }
}

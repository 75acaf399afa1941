package dev.sluice.api.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a broker registers about itself: its id, listeners and rack ({@code broker.rack}). */
public record BrokerInfo(int id, List<BrokerEndpoint> endpoints, Optional<String> rack) {
    public BrokerInfo {
        if (id < 0) {
            throw new IllegalArgumentException("invalid broker id " + id);
        }
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("broker " + id + " registers no endpoint");
        }
        Objects.requireNonNull(rack, "rack");
    }
}

package dev.sluice.broker.controller.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * A broker placement may put replicas on: its id and its {@code broker.rack}, if set.
 * An immutable value; any thread.
 */
public record LiveBroker(int id, Optional<String> rack) {
    public LiveBroker {
        if (id < 0) {
            throw new IllegalArgumentException("broker id must be >= 0: " + id);
        }
        Objects.requireNonNull(rack, "rack");
    }

    public static LiveBroker of(int id) {
        return new LiveBroker(id, Optional.empty());
    }

    public static LiveBroker of(int id, String rack) {
        return new LiveBroker(id, Optional.of(rack));
    }
}

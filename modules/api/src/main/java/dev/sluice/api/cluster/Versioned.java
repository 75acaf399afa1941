package dev.sluice.api.cluster;

import java.util.Objects;

/** A value read from the store with its version, for a later conditional write. */
public record Versioned<T>(T value, int version) {
    public Versioned {
        Objects.requireNonNull(value, "value");
    }
}

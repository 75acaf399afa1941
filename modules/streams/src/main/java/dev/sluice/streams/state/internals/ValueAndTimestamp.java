package dev.sluice.streams.state.internals;

/** A stored value with the timestamp of the record that last set it. */
public record ValueAndTimestamp<V>(V value, long timestamp) {
}

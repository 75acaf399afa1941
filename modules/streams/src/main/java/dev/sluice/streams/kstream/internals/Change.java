package dev.sluice.streams.kstream.internals;

/** A table update as it flows between table processors: the new value and the one it replaced (null: none). */
public record Change<V>(V newValue, V oldValue) {
}

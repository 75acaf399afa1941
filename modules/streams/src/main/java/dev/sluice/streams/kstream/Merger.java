package dev.sluice.streams.kstream;

/** Combines the aggregates of two sessions that a record bridges. */
@FunctionalInterface
public interface Merger<K, A> {
    A apply(K key, A one, A two);
}

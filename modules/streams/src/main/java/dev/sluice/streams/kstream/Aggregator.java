package dev.sluice.streams.kstream;

/** Folds a record into an aggregate. */
@FunctionalInterface
public interface Aggregator<K, V, A> {
    A apply(K key, V value, A aggregate);
}

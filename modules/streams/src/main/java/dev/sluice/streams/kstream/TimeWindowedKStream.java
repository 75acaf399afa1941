package dev.sluice.streams.kstream;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** A grouped stream cut into time windows, ready to aggregate per key and window. */
public interface TimeWindowedKStream<K, V> {
    KTable<Windowed<K>, Long> count();

    KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized);

    KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer);

    KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> materialized);

    <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator);

    <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                         Materialized<K, A> materialized);
}

package dev.sluice.streams.kstream;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** A grouped stream cut into sessions, ready to aggregate per key and session. */
public interface SessionWindowedKStream<K, V> {
    KTable<Windowed<K>, Long> count();

    KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized);

    KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer);

    KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> materialized);

    <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                         Merger<? super K, A> sessionMerger);

    <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                         Merger<? super K, A> sessionMerger, Materialized<K, A> materialized);
}

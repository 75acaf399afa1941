package dev.sluice.streams.kstream;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** A stream grouped by key, ready to aggregate. Records with a null key are dropped. */
public interface KGroupedStream<K, V> {
    KTable<K, Long> count();

    KTable<K, Long> count(Materialized<K, Long> materialized);

    KTable<K, V> reduce(BinaryOperator<V> reducer);

    KTable<K, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> materialized);

    <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator);

    <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                               Materialized<K, A> materialized);

    TimeWindowedKStream<K, V> windowedBy(TimeWindows windows);

    SessionWindowedKStream<K, V> windowedBy(SessionWindows windows);
}

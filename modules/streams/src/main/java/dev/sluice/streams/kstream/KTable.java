package dev.sluice.streams.kstream;

import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A changelog stream read as a table: the latest value per key (null deletes). Each update flows on as
 * a change; {@link #toStream()} turns updates back into records.
 */
public interface KTable<K, V> {
    /** Keeps the rows {@code predicate} accepts; a row that stops matching is deleted downstream. */
    KTable<K, V> filter(BiPredicate<? super K, ? super V> predicate);

    <VR> KTable<K, VR> mapValues(Function<? super V, ? extends VR> mapper);

    /** Every update as a record (a deletion as a null value). */
    KStream<K, V> toStream();

    /** Holds updates back; for windowed tables {@link Suppressed#untilWindowCloses()} emits each final value once. */
    KTable<K, V> suppress(Suppressed suppressed);

    /** The store holding this table (queryable), or null if it is not materialized. */
    String queryableStoreName();
}

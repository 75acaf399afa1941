package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.kstream.Aggregator;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Merger;
import dev.sluice.streams.kstream.SessionWindowedKStream;
import dev.sluice.streams.kstream.SessionWindows;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.kstream.WindowedSerdes;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.Serdes;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * Session aggregations: a session store (retention: gap + grace unless materialized otherwise). A session
 * closes, for suppression too, when stream time passes its end + gap + grace (Kafka's rule).
 */
final class SessionWindowedKStreamImpl<K, V> implements SessionWindowedKStream<K, V> {
    private final KGroupedStreamImpl<K, V> grouped;
    private final SessionWindows windows;

    SessionWindowedKStreamImpl(KGroupedStreamImpl<K, V> grouped, SessionWindows windows) {
        this.grouped = grouped;
        this.windows = windows;
    }

    @Override
    public KTable<Windowed<K>, Long> count() {
        return count(null);
    }

    @Override
    public KTable<Windowed<K>, Long> count(Materialized<K, Long> m) {
        return aggregate("KSTREAM-AGGREGATE-", m, KGroupedStreamImpl.valueSerde(m, Serdes.longs()), () -> 0L,
                (k, v, agg) -> agg + 1, (k, a, b) -> a + b);
    }

    @Override
    public KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer) {
        return reduce(reducer, null);
    }

    @Override
    public KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> m) {
        // as Kafka: the initial aggregate is null and the first value replaces it
        return aggregate("KSTREAM-REDUCE-", m, KGroupedStreamImpl.valueSerde(m, grouped.valueSerde), () -> null,
                (k, v, agg) -> agg == null ? v : reducer.apply(agg, v),
                (k, a, b) -> a == null ? b : b == null ? a : reducer.apply(a, b));
    }

    @Override
    public <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                                Merger<? super K, A> merger) {
        return aggregate(initializer, aggregator, merger, null);
    }

    @Override
    public <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                                Merger<? super K, A> merger, Materialized<K, A> m) {
        return aggregate("KSTREAM-AGGREGATE-", m, KGroupedStreamImpl.valueSerde(m, null), initializer, aggregator, merger);
    }

    private <A> KTable<Windowed<K>, A> aggregate(String prefix, Materialized<K, A> m, Serde<A> aggSerde, Supplier<A> init,
                                                 Aggregator<? super K, ? super V, A> aggregator, Merger<? super K, A> merger) {
        DslContext dsl = grouped.dsl();
        String name = dsl.builder.newName(prefix);
        String store = grouped.storeName(m, prefix);
        String input = grouped.input(store);
        long retention = m != null && m.retentionMs() != null ? m.retentionMs() : windows.inactivityGapMs() + windows.graceMs();
        Serde<K> keySerde = grouped.keySerde(m);
        dsl.builder.addStore(grouped.storeSpec(store, StoreSpec.StoreKind.SESSION, 0, retention, m, aggSerde));
        dsl.builder.addProcessor(name, () -> new SessionWindowAggregateProcessor<>(store, windows, retention, init,
                aggregator, merger), List.of(input), store);
        Serde<Windowed<K>> windowedSerde = keySerde == null ? null : WindowedSerdes.sessionWindowed(keySerde);
        return new KTableImpl<>(dsl, name, windowedSerde, aggSerde, store,
                new KTableImpl.WindowInfo(keySerde, windows.graceMs() + windows.inactivityGapMs()));
    }
}

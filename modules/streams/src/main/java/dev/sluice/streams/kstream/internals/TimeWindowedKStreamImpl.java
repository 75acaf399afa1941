package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.kstream.Aggregator;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.TimeWindowedKStream;
import dev.sluice.streams.kstream.TimeWindows;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.kstream.WindowedSerdes;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.Serdes;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** Time-windowed aggregations: a window store (retention: size + grace unless materialized otherwise). */
final class TimeWindowedKStreamImpl<K, V> implements TimeWindowedKStream<K, V> {
    private final KGroupedStreamImpl<K, V> grouped;
    private final TimeWindows windows;

    TimeWindowedKStreamImpl(KGroupedStreamImpl<K, V> grouped, TimeWindows windows) {
        this.grouped = grouped;
        this.windows = windows;
    }

    @Override
    public KTable<Windowed<K>, Long> count() {
        return count(null);
    }

    @Override
    public KTable<Windowed<K>, Long> count(Materialized<K, Long> m) {
        return aggregate("KSTREAM-AGGREGATE-", m, KGroupedStreamImpl.valueSerde(m, Serdes.longs()),
                StreamAggregateProcessor.Fold.count());
    }

    @Override
    public KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer) {
        return reduce(reducer, null);
    }

    @Override
    public KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> m) {
        return aggregate("KSTREAM-REDUCE-", m, KGroupedStreamImpl.valueSerde(m, grouped.valueSerde),
                StreamAggregateProcessor.Fold.reduce(reducer));
    }

    @Override
    public <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator) {
        return aggregate(initializer, aggregator, null);
    }

    @Override
    public <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                                Materialized<K, A> m) {
        return aggregate("KSTREAM-AGGREGATE-", m, KGroupedStreamImpl.valueSerde(m, null),
                StreamAggregateProcessor.Fold.aggregate(initializer, aggregator));
    }

    private <A> KTable<Windowed<K>, A> aggregate(String prefix, Materialized<K, A> m, Serde<A> aggSerde,
                                                 StreamAggregateProcessor.Fold<K, V, A> fold) {
        DslContext dsl = grouped.dsl();
        String name = dsl.builder.newName(prefix);
        String store = grouped.storeName(m, prefix);
        String input = grouped.input(store);
        long retention = m != null && m.retentionMs() != null ? m.retentionMs() : windows.sizeMs() + windows.graceMs();
        if (retention < windows.sizeMs() + windows.graceMs()) {
            throw new IllegalArgumentException("retention " + retention + " ms is shorter than window size + grace");
        }
        Serde<K> keySerde = grouped.keySerde(m);
        dsl.builder.addStore(grouped.storeSpec(store, StoreSpec.StoreKind.WINDOW, windows.sizeMs(), retention, m, aggSerde));
        dsl.builder.addProcessor(name, () -> new TimeWindowAggregateProcessor<>(store, windows, retention, fold),
                List.of(input), store);
        Serde<Windowed<K>> windowedSerde = keySerde == null ? null : WindowedSerdes.timeWindowed(keySerde, windows.sizeMs());
        return new KTableImpl<>(dsl, name, windowedSerde, aggSerde, store,
                new KTableImpl.WindowInfo(keySerde, windows.graceMs()));
    }
}

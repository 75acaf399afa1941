package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.kstream.Aggregator;
import dev.sluice.streams.kstream.KGroupedStream;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.SessionWindowedKStream;
import dev.sluice.streams.kstream.SessionWindows;
import dev.sluice.streams.kstream.TimeWindowedKStream;
import dev.sluice.streams.kstream.TimeWindows;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.Serdes;

import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** A grouped stream: aggregations add a store and an aggregating processor, after a repartition if the key changed. */
final class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {
    final KStreamImpl<K, V> stream;
    final String groupName;
    final Serde<K> keySerde;
    final Serde<V> valueSerde;

    KGroupedStreamImpl(KStreamImpl<K, V> stream, String groupName, Serde<K> keySerde, Serde<V> valueSerde) {
        this.stream = stream;
        this.groupName = groupName;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    DslContext dsl() {
        return stream.dsl;
    }

    /** The node aggregations read from: the stream, or its repartition topic's source. */
    String input(String storeName) {
        if (!stream.repartitionRequired) {
            return stream.node;
        }
        return dsl().repartition(stream.node, groupName != null ? groupName : storeName, keySerde, valueSerde, null);
    }

    /** The store name: materialized, else generated. */
    String storeName(Materialized<K, ?> m, String prefix) {
        return m != null && m.storeName() != null ? m.storeName() : dsl().builder.newName(prefix + "STATE-STORE-");
    }

    static <A> Serde<A> valueSerde(Materialized<?, A> m, Serde<A> fallback) {
        return m != null && m.valueSerde() != null ? m.valueSerde() : fallback;
    }

    Serde<K> keySerde(Materialized<K, ?> m) {
        return m != null && m.keySerde() != null ? m.keySerde() : keySerde;
    }

    /** An aggregation's store: serdes and type as materialized (else this grouping's), logged unless disabled. */
    <A> StoreSpec storeSpec(String store, StoreSpec.StoreKind kind, long windowSizeMs, long retentionMs, Materialized<K, A> m,
                            Serde<A> aggSerde) {
        return new StoreSpec(store, kind, windowSizeMs, retentionMs, keySerde(m), aggSerde, m == null ? null : m.storeType(),
                m == null || m.loggingEnabled(), m == null ? Map.of() : m.changelogConfigs());
    }

    @Override
    public KTable<K, Long> count() {
        return count(null);
    }

    @Override
    public KTable<K, Long> count(Materialized<K, Long> m) {
        return aggregate("KSTREAM-AGGREGATE-", m, valueSerde(m, Serdes.longs()), StreamAggregateProcessor.Fold.count());
    }

    @Override
    public KTable<K, V> reduce(BinaryOperator<V> reducer) {
        return reduce(reducer, null);
    }

    @Override
    public KTable<K, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> m) {
        return aggregate("KSTREAM-REDUCE-", m, valueSerde(m, valueSerde), StreamAggregateProcessor.Fold.reduce(reducer));
    }

    @Override
    public <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator) {
        return aggregate(initializer, aggregator, null);
    }

    @Override
    public <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                      Materialized<K, A> m) {
        return aggregate("KSTREAM-AGGREGATE-", m, valueSerde(m, null),
                StreamAggregateProcessor.Fold.aggregate(initializer, aggregator));
    }

    private <A> KTable<K, A> aggregate(String prefix, Materialized<K, A> m, Serde<A> aggSerde,
                                       StreamAggregateProcessor.Fold<K, V, A> fold) {
        String name = dsl().builder.newName(prefix);
        String store = storeName(m, prefix);
        String input = input(store);
        dsl().builder.addStore(storeSpec(store, StoreSpec.StoreKind.KEY_VALUE, 0, 0, m, aggSerde));
        dsl().builder.addProcessor(name, () -> new StreamAggregateProcessor<>(store, fold), List.of(input), store);
        return new KTableImpl<>(dsl(), name, keySerde(m), aggSerde, store, null);
    }

    @Override
    public TimeWindowedKStream<K, V> windowedBy(TimeWindows windows) {
        return new TimeWindowedKStreamImpl<>(this, windows);
    }

    @Override
    public SessionWindowedKStream<K, V> windowedBy(SessionWindows windows) {
        return new SessionWindowedKStreamImpl<>(this, windows);
    }
}

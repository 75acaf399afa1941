package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.kstream.KStream;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Suppressed;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.serde.Serde;

import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A table as the DSL builds it: the node forwarding its changes, its serdes, the store holding it (null
 * if derived and not materialized) and, for windowed tables, the window key's serde and grace.
 */
public final class KTableImpl<K, V> implements KTable<K, V> {
    final DslContext dsl;
    final String node;
    final Serde<K> keySerde;
    final Serde<V> valueSerde;
    final String storeName;
    final WindowInfo window;

    /** A windowed table's record-key serde (null: the default) and grace, for suppression. */
    record WindowInfo(Serde<?> innerKeySerde, long graceMs) {
    }

    public KTableImpl(DslContext dsl, String node, Serde<K> keySerde, Serde<V> valueSerde, String storeName, WindowInfo window) {
        this.dsl = dsl;
        this.node = node;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.storeName = storeName;
        this.window = window;
    }

    @Override
    public KTable<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        String name = dsl.processor("KTABLE-FILTER-", () -> new ContextProcessor<K, Change<V>, K, Change<V>>() {
            @Override
            public void process(Record<K, Change<V>> r) {
                V n = r.value().newValue();
                V o = r.value().oldValue();
                V newKept = n != null && predicate.test(r.key(), n) ? n : null;
                V oldKept = o != null && predicate.test(r.key(), o) ? o : null;
                if (newKept == null && oldKept == null) {
                    return;
                }
                context.forward(r.withValue(new Change<>(newKept, oldKept)));
            }
        }, List.of(node));
        return new KTableImpl<>(dsl, name, keySerde, valueSerde, null, window);
    }

    @Override
    public <VR> KTable<K, VR> mapValues(Function<? super V, ? extends VR> mapper) {
        String name = dsl.processor("KTABLE-MAPVALUES-", () -> new ContextProcessor<K, Change<V>, K, Change<VR>>() {
            @Override
            public void process(Record<K, Change<V>> r) {
                V n = r.value().newValue();
                V o = r.value().oldValue();
                context.forward(r.withValue(new Change<VR>(n == null ? null : mapper.apply(n), o == null ? null : mapper.apply(o))));
            }
        }, List.of(node));
        return new KTableImpl<>(dsl, name, keySerde, null, null, window);
    }

    @Override
    public KStream<K, V> toStream() {
        String name = dsl.processor("KTABLE-TOSTREAM-", () -> new ContextProcessor<K, Change<V>, K, V>() {
            @Override
            public void process(Record<K, Change<V>> r) {
                context.forward(r.withValue(r.value().newValue()));
            }
        }, List.of(node));
        return new KStreamImpl<>(dsl, name, keySerde, valueSerde, false);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public KTable<K, V> suppress(Suppressed suppressed) {
        if (window == null) {
            throw new UnsupportedOperationException("untilWindowCloses needs a windowed table (an aggregation after windowedBy)");
        }
        String name = dsl.builder.newName("KTABLE-SUPPRESS-");
        String store = dsl.builder.newName("KTABLE-SUPPRESS-STATE-STORE-");
        dsl.builder.addStore(new StoreSpec(store, StoreSpec.StoreKind.SUPPRESSION_BUFFER, 0, 0, window.innerKeySerde(),
                valueSerde, null, true, Map.of()));
        long grace = window.graceMs();
        dsl.builder.addProcessor(name, () -> new SuppressProcessor(store, grace), List.of(node), store);
        return new KTableImpl<>(dsl, name, keySerde, valueSerde, null, window);
    }

    @Override
    public String queryableStoreName() {
        return storeName;
    }
}

package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.internals.TopicRef;
import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.serde.Serde;

import java.util.List;
import java.util.Map;

/** Builds {@code StreamsBuilder.table}: a source, a store, and the processor keeping the store current. */
public final class TableSources {
    private TableSources() {
    }

    public static <K, V> KTable<K, V> table(DslContext dsl, String topic, Consumed<K, V> consumed, Materialized<K, V> m) {
        String source = dsl.builder.newName("KSTREAM-SOURCE-");
        dsl.builder.addSource(source, List.of(TopicRef.user(topic)), consumed.keySerde(), consumed.valueSerde());
        String name = dsl.builder.newName("KTABLE-SOURCE-");
        String store = m != null && m.storeName() != null ? m.storeName() : topic + "-STATE-STORE-" + name.substring(name.length() - 10);
        Serde<K> ks = m != null && m.keySerde() != null ? m.keySerde() : consumed.keySerde();
        Serde<V> vs = m != null && m.valueSerde() != null ? m.valueSerde() : consumed.valueSerde();
        dsl.builder.addStore(new StoreSpec(store, StoreSpec.StoreKind.KEY_VALUE, 0, 0, ks, vs,
                m == null ? null : m.storeType(), m == null || m.loggingEnabled(), m == null ? Map.of() : m.changelogConfigs()));
        dsl.builder.addProcessor(name, () -> new TableSourceProcessor<K, V>(store), List.of(source), store);
        return new KTableImpl<>(dsl, name, ks, vs, store, null);
    }
}

package dev.sluice.streams;

import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.internals.TopicRef;
import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.KStream;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.internals.DslContext;
import dev.sluice.streams.kstream.internals.KStreamImpl;
import dev.sluice.streams.kstream.internals.KTableImpl;
import dev.sluice.streams.kstream.internals.TableSources;
import dev.sluice.streams.serde.Serde;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Starts a topology: {@link #stream} and {@link #table} read topics, the returned objects add the rest,
 * {@link #build()} freezes it. Not thread-safe; one builder builds one topology.
 *
 * <pre>{@code
 * StreamsBuilder builder = new StreamsBuilder();
 * builder.stream("lines", Consumed.with(Serdes.string(), Serdes.string()))
 *        .flatMapValues(line -> List.of(line.toLowerCase().split(" ")))
 *        .groupBy((k, word) -> word, Grouped.with(Serdes.string(), Serdes.string()))
 *        .count(Materialized.as("counts"))
 *        .toStream().to("word-counts", Produced.with(Serdes.string(), Serdes.longs()));
 * Topology topology = builder.build();
 * }</pre>
 */
public final class StreamsBuilder {
    private final DslContext dsl = new DslContext();

    public <K, V> KStream<K, V> stream(String topic) {
        return stream(List.of(topic), Consumed.with(null, null));
    }

    public <K, V> KStream<K, V> stream(String topic, Consumed<K, V> consumed) {
        return stream(List.of(topic), consumed);
    }

    /** One stream over several topics (deserialized alike). */
    public <K, V> KStream<K, V> stream(Collection<String> topics, Consumed<K, V> consumed) {
        String name = dsl.builder().newName("KSTREAM-SOURCE-");
        dsl.builder().addSource(name, topics.stream().map(TopicRef::user).toList(), consumed.keySerde(), consumed.valueSerde());
        return new KStreamImpl<>(dsl, name, consumed.keySerde(), consumed.valueSerde(), false);
    }

    public <K, V> KTable<K, V> table(String topic) {
        return table(topic, Consumed.with(null, null), null);
    }

    public <K, V> KTable<K, V> table(String topic, Consumed<K, V> consumed) {
        return table(topic, consumed, null);
    }

    /**
     * A table of the topic's latest value per key, kept in a store ({@code materialized}'s name, else a
     * generated one) that logs to its own changelog topic.
     */
    public <K, V> KTable<K, V> table(String topic, Consumed<K, V> consumed, Materialized<K, V> materialized) {
        return TableSources.table(dsl, topic, consumed, materialized);
    }

    /**
     * A key-value store for processors added with {@code KStream.process}, logged to
     * {@code <application.id>-<name>-changelog} unless {@code materialized} turns logging off.
     */
    public <K, V> StreamsBuilder addStateStore(Materialized<K, V> materialized) {
        if (materialized.storeName() == null) {
            throw new IllegalArgumentException("a state store needs a name: Materialized.as(name)");
        }
        Serde<K> ks = materialized.keySerde();
        Serde<V> vs = materialized.valueSerde();
        dsl.builder().addStore(new StoreSpec(materialized.storeName(), StoreSpec.StoreKind.KEY_VALUE, 0, 0, ks, vs,
                materialized.storeType(), materialized.loggingEnabled(), materialized.loggingEnabled()
                ? materialized.changelogConfigs() : Map.of()));
        return this;
    }

    public Topology build() {
        return new Topology(dsl.builder().build());
    }
}

package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.internals.TopicRef;
import dev.sluice.streams.kstream.BranchedKStream;
import dev.sluice.streams.kstream.Grouped;
import dev.sluice.streams.kstream.JoinWindows;
import dev.sluice.streams.kstream.KGroupedStream;
import dev.sluice.streams.kstream.KStream;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.kstream.Repartitioned;
import dev.sluice.streams.kstream.StreamJoined;
import dev.sluice.streams.kstream.TopicNameExtractor;
import dev.sluice.streams.processor.ProcessorSupplier;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.serde.Serde;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A stream as the DSL builds it: the node whose output it is, the serdes known for it, and whether its
 * key may have changed since it was read (then groupings and joins repartition first).
 */
public final class KStreamImpl<K, V> implements KStream<K, V> {
    final DslContext dsl;
    final String node;
    final Serde<K> keySerde;
    final Serde<V> valueSerde;
    final boolean repartitionRequired;

    public KStreamImpl(DslContext dsl, String node, Serde<K> keySerde, Serde<V> valueSerde, boolean repartitionRequired) {
        this.dsl = dsl;
        this.node = node;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.repartitionRequired = repartitionRequired;
    }

    private <KR, VR> KStreamImpl<KR, VR> next(String prefix, ProcessorSupplier<K, V, KR, VR> supplier, Serde<KR> ks,
                                              Serde<VR> vs, boolean keyChanged) {
        String name = dsl.processor(prefix, supplier, List.of(node));
        return new KStreamImpl<>(dsl, name, ks, vs, repartitionRequired || keyChanged);
    }

    @Override
    public KStream<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        return next("KSTREAM-FILTER-", () -> new ContextProcessor<K, V, K, V>() {
            @Override
            public void process(Record<K, V> r) {
                if (predicate.test(r.key(), r.value())) {
                    context.forward(r);
                }
            }
        }, keySerde, valueSerde, false);
    }

    @Override
    public KStream<K, V> filterNot(BiPredicate<? super K, ? super V> predicate) {
        return filter(predicate.negate());
    }

    @Override
    public <KR, VR> KStream<KR, VR> map(BiFunction<? super K, ? super V, KeyValue<KR, VR>> mapper) {
        return next("KSTREAM-MAP-", () -> new ContextProcessor<K, V, KR, VR>() {
            @Override
            public void process(Record<K, V> r) {
                KeyValue<KR, VR> kv = mapper.apply(r.key(), r.value());
                context.forward(new Record<>(kv.key(), kv.value(), r.timestamp(), r.headers())); // one record, not two
            }
        }, null, null, true);
    }

    @Override
    public <VR> KStream<K, VR> mapValues(Function<? super V, ? extends VR> mapper) {
        return next("KSTREAM-MAPVALUES-", () -> new ContextProcessor<K, V, K, VR>() {
            @Override
            public void process(Record<K, V> r) {
                context.forward(r.withValue(mapper.apply(r.value())));
            }
        }, keySerde, null, false);
    }

    @Override
    public <KR> KStream<KR, V> selectKey(BiFunction<? super K, ? super V, ? extends KR> mapper) {
        return next("KSTREAM-KEY-SELECT-", () -> new ContextProcessor<K, V, KR, V>() {
            @Override
            public void process(Record<K, V> r) {
                context.forward(r.withKey(mapper.apply(r.key(), r.value())));
            }
        }, null, valueSerde, true);
    }

    @Override
    public <KR, VR> KStream<KR, VR> flatMap(BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<KR, VR>>> mapper) {
        return next("KSTREAM-FLATMAP-", () -> new ContextProcessor<K, V, KR, VR>() {
            @Override
            public void process(Record<K, V> r) {
                for (KeyValue<KR, VR> kv : mapper.apply(r.key(), r.value())) {
                    context.forward(new Record<>(kv.key(), kv.value(), r.timestamp(), r.headers()));
                }
            }
        }, null, null, true);
    }

    @Override
    public <VR> KStream<K, VR> flatMapValues(Function<? super V, ? extends Iterable<? extends VR>> mapper) {
        return next("KSTREAM-FLATMAPVALUES-", () -> new ContextProcessor<K, V, K, VR>() {
            @Override
            public void process(Record<K, V> r) {
                for (VR v : mapper.apply(r.value())) {
                    context.forward(r.withValue(v));
                }
            }
        }, keySerde, null, false);
    }

    @Override
    public KStream<K, V> peek(BiConsumer<? super K, ? super V> action) {
        return next("KSTREAM-PEEK-", () -> new ContextProcessor<K, V, K, V>() {
            @Override
            public void process(Record<K, V> r) {
                action.accept(r.key(), r.value());
                context.forward(r);
            }
        }, keySerde, valueSerde, false);
    }

    @Override
    public void foreach(BiConsumer<? super K, ? super V> action) {
        ProcessorSupplier<K, V, Void, Void> foreach = () -> r -> action.accept(r.key(), r.value());
        dsl.processor("KSTREAM-FOREACH-", foreach, List.of(node));
    }

    @Override
    public BranchedKStream<K, V> split() {
        return split("");
    }

    @Override
    public BranchedKStream<K, V> split(String prefix) {
        return new BranchedKStreamImpl<>(this, prefix);
    }

    @Override
    public KStream<K, V> merge(KStream<K, V> other) {
        KStreamImpl<K, V> o = (KStreamImpl<K, V>) other;
        String name = dsl.processor("KSTREAM-MERGE-", KStreamImpl.<K, V>passThrough(), List.of(node, o.node));
        return new KStreamImpl<>(dsl, name, keySerde, valueSerde, repartitionRequired || o.repartitionRequired);
    }

    @Override
    public void to(String topic) {
        to(topic, Produced.with(keySerde, valueSerde));
    }

    @Override
    public void to(String topic, Produced<K, V> produced) {
        dsl.builder.addSink(dsl.builder.newName("KSTREAM-SINK-"), List.of(node), TopicRef.user(topic), null,
                or(produced.keySerde(), keySerde), or(produced.valueSerde(), valueSerde));
    }

    @Override
    public void to(TopicNameExtractor<K, V> extractor) {
        to(extractor, Produced.with(keySerde, valueSerde));
    }

    @Override
    public void to(TopicNameExtractor<K, V> extractor, Produced<K, V> produced) {
        dsl.builder.addSink(dsl.builder.newName("KSTREAM-SINK-"), List.of(node), null, extractor,
                or(produced.keySerde(), keySerde), or(produced.valueSerde(), valueSerde));
    }

    /** A merge: every record of every parent forwarded as it is. */
    private static <K, V> ProcessorSupplier<K, V, K, V> passThrough() {
        return () -> new ContextProcessor<K, V, K, V>() {
            @Override
            public void process(Record<K, V> r) {
                context.forward(r);
            }
        };
    }

    static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }

    @Override
    public KStream<K, V> repartition() {
        return repartition(new Repartitioned<>(null, null, null, null));
    }

    @Override
    public KStream<K, V> repartition(Repartitioned<K, V> r) {
        String name = r.name() != null ? r.name() : dsl.builder.newName("KSTREAM-REPARTITION-");
        Serde<K> ks = or(r.keySerde(), keySerde);
        Serde<V> vs = or(r.valueSerde(), valueSerde);
        return new KStreamImpl<>(dsl, dsl.repartition(node, name, ks, vs, r.partitions()), ks, vs, false);
    }

    /** This stream, repartitioned first if its key may have changed. */
    KStreamImpl<K, V> repartitionedIfNeeded(String name) {
        if (!repartitionRequired) {
            return this;
        }
        return new KStreamImpl<>(dsl, dsl.repartition(node, name, keySerde, valueSerde, null), keySerde, valueSerde, false);
    }

    @Override
    public KGroupedStream<K, V> groupByKey() {
        return groupByKey(new Grouped<>(null, keySerde, valueSerde));
    }

    @Override
    public KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped) {
        return new KGroupedStreamImpl<>(this, grouped.name(), or(grouped.keySerde(), keySerde),
                or(grouped.valueSerde(), valueSerde));
    }

    @Override
    public <KR> KGroupedStream<KR, V> groupBy(BiFunction<? super K, ? super V, KR> keySelector) {
        return groupBy(keySelector, new Grouped<>(null, null, valueSerde));
    }

    @Override
    public <KR> KGroupedStream<KR, V> groupBy(BiFunction<? super K, ? super V, KR> keySelector, Grouped<KR, V> grouped) {
        KStreamImpl<KR, V> selected = (KStreamImpl<KR, V>) selectKey(keySelector);
        return new KGroupedStreamImpl<>(selected, grouped.name(), grouped.keySerde(), or(grouped.valueSerde(), valueSerde));
    }

    @Override
    public <VT, VR> KStream<K, VR> join(KTable<K, VT> table, BiFunction<? super V, ? super VT, ? extends VR> joiner) {
        return tableJoin(table, joiner, false);
    }

    @Override
    public <VT, VR> KStream<K, VR> leftJoin(KTable<K, VT> table, BiFunction<? super V, ? super VT, ? extends VR> joiner) {
        return tableJoin(table, joiner, true);
    }

    private <VT, VR> KStream<K, VR> tableJoin(KTable<K, VT> table, BiFunction<? super V, ? super VT, ? extends VR> joiner,
                                              boolean left) {
        KTableImpl<K, VT> t = (KTableImpl<K, VT>) table;
        if (t.storeName == null) {
            throw new IllegalArgumentException("a stream-table join needs a materialized table (from table(), or an"
                    + " aggregation); this one is derived by filter/mapValues");
        }
        String name = dsl.builder.newName(left ? "KSTREAM-LEFTJOIN-" : "KSTREAM-JOIN-");
        KStreamImpl<K, V> input = repartitionedIfNeeded(name);
        dsl.builder.addProcessor(name, () -> new StreamTableJoinProcessor<K, V, VT, VR>(t.storeName, joiner, left),
                List.of(input.node), t.storeName);
        dsl.builder.copartition(input.node, t.node);
        return new KStreamImpl<>(dsl, name, keySerde, null, false);
    }

    @Override
    public <VO, VR> KStream<K, VR> join(KStream<K, VO> otherStream, BiFunction<? super V, ? super VO, ? extends VR> joiner,
                                        JoinWindows windows, StreamJoined<K, V, VO> serdes) {
        KStreamImpl<K, VO> other = (KStreamImpl<K, VO>) otherStream;
        String thisName = dsl.builder.newName("KSTREAM-JOINTHIS-");
        String otherName = dsl.builder.newName("KSTREAM-JOINOTHER-");
        String thisStore = serdes.storeName() != null ? serdes.storeName() + "-this-join-store" : thisName + "-store";
        String otherStore = serdes.storeName() != null ? serdes.storeName() + "-other-join-store" : otherName + "-store";
        Serde<K> ks = or(serdes.keySerde(), keySerde);
        KStreamImpl<K, V> left = repartitionedIfNeeded(thisName + "-left");
        KStreamImpl<K, VO> right = other.repartitionedIfNeeded(otherName + "-right");
        long retention = windows.retentionMs();
        dsl.builder.addStore(new StoreSpec(thisStore, StoreSpec.StoreKind.JOIN_BUFFER, 0, retention, ks,
                or(serdes.valueSerde(), valueSerde), null, true, Map.of()));
        dsl.builder.addStore(new StoreSpec(otherStore, StoreSpec.StoreKind.JOIN_BUFFER, 0, retention, ks,
                or(serdes.otherValueSerde(), other.valueSerde), null, true, Map.of()));
        dsl.builder.addProcessor(thisName, () -> new StreamStreamJoinProcessor<K, V, VO, VR>(thisStore, otherStore,
                windows.beforeMs(), windows.afterMs(), retention, joiner), List.of(left.node), thisStore, otherStore);
        BiFunction<VO, V, VR> reversed = (o, t) -> joiner.apply(t, o);
        dsl.builder.addProcessor(otherName, () -> new StreamStreamJoinProcessor<K, VO, V, VR>(otherStore, thisStore,
                windows.afterMs(), windows.beforeMs(), retention, reversed), List.of(right.node), otherStore, thisStore);
        dsl.builder.copartition(left.node, right.node);
        String merge = dsl.processor("KSTREAM-MERGE-", KStreamImpl.<K, VR>passThrough(), List.of(thisName, otherName));
        return new KStreamImpl<>(dsl, merge, keySerde, null, false);
    }

    @Override
    public <KR, VR> KStream<KR, VR> process(ProcessorSupplier<K, V, KR, VR> supplier, String... storeNames) {
        String name = dsl.builder.newName("KSTREAM-PROCESSOR-");
        dsl.builder.addProcessor(name, supplier, List.of(node), storeNames);
        return new KStreamImpl<>(dsl, name, null, null, true);
    }
}

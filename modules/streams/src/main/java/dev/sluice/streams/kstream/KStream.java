package dev.sluice.streams.kstream;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.processor.ProcessorSupplier;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * An unbounded stream of records, each an independent event. Operations return new streams (the
 * topology grows as they are called); nothing runs until the topology is started.
 *
 * <p>An operation that may change the key ({@link #map}, {@link #selectKey}, {@link #flatMap}) marks the
 * stream for repartitioning: a later grouping or join first writes it through an internal
 * {@code <application.id>-<name>-repartition} topic, so equal keys meet in one task.
 */
public interface KStream<K, V> {
    KStream<K, V> filter(BiPredicate<? super K, ? super V> predicate);

    KStream<K, V> filterNot(BiPredicate<? super K, ? super V> predicate);

    <KR, VR> KStream<KR, VR> map(BiFunction<? super K, ? super V, KeyValue<KR, VR>> mapper);

    <VR> KStream<K, VR> mapValues(Function<? super V, ? extends VR> mapper);

    <KR> KStream<KR, V> selectKey(BiFunction<? super K, ? super V, ? extends KR> mapper);

    <KR, VR> KStream<KR, VR> flatMap(BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<KR, VR>>> mapper);

    <VR> KStream<K, VR> flatMapValues(Function<? super V, ? extends Iterable<? extends VR>> mapper);

    /** Calls {@code action} for each record and passes it on unchanged. */
    KStream<K, V> peek(BiConsumer<? super K, ? super V> action);

    /** Calls {@code action} for each record (a terminal operation). */
    void foreach(BiConsumer<? super K, ? super V> action);

    /** Splits by predicates; map keys are branch names prefixed by nothing. */
    BranchedKStream<K, V> split();

    /** Splits by predicates; map keys are {@code prefix} + branch name. */
    BranchedKStream<K, V> split(String prefix);

    /** Both streams' records, in processing order. */
    KStream<K, V> merge(KStream<K, V> other);

    void to(String topic);

    void to(String topic, Produced<K, V> produced);

    /** Writes each record to the topic {@code extractor} picks for it. */
    void to(TopicNameExtractor<K, V> extractor);

    void to(TopicNameExtractor<K, V> extractor, Produced<K, V> produced);

    /** Writes through an internal repartition topic (partitioned by the current key) and reads it back. */
    KStream<K, V> repartition();

    KStream<K, V> repartition(Repartitioned<K, V> repartitioned);

    KGroupedStream<K, V> groupByKey();

    KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped);

    <KR> KGroupedStream<KR, V> groupBy(BiFunction<? super K, ? super V, KR> keySelector);

    <KR> KGroupedStream<KR, V> groupBy(BiFunction<? super K, ? super V, KR> keySelector, Grouped<KR, V> grouped);

    /** Each record joined with the table's current value of its key; records without one are dropped. */
    <VT, VR> KStream<K, VR> join(KTable<K, VT> table, BiFunction<? super V, ? super VT, ? extends VR> joiner);

    /** As {@link #join(KTable, BiFunction)}, with null for records whose key the table lacks. */
    <VT, VR> KStream<K, VR> leftJoin(KTable<K, VT> table, BiFunction<? super V, ? super VT, ? extends VR> joiner);

    /**
     * Pairs of records of the two streams with equal keys and timestamps within {@code windows}; the
     * result has the later timestamp of the pair.
     */
    <VO, VR> KStream<K, VR> join(KStream<K, VO> other, BiFunction<? super V, ? super VO, ? extends VR> joiner,
                                 JoinWindows windows, StreamJoined<K, V, VO> serdes);

    /** Runs a custom processor connected to the named stores (see {@code StreamsBuilder.addStateStore}). */
    <KR, VR> KStream<KR, VR> process(ProcessorSupplier<K, V, KR, VR> supplier, String... storeNames);
}

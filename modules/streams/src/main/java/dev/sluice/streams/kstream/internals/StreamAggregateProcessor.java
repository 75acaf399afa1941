package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.kstream.Aggregator;
import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.state.internals.KeyValueStoreImpl;
import dev.sluice.streams.state.internals.ValueAndTimestamp;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * count / reduce / aggregate of a grouped stream: folds each record into its key's aggregate in the
 * store and forwards the change. The result's timestamp is the latest of the record's and the old
 * aggregate's (Kafka's rule). Records with a null key (and, for reduce, a null value) are dropped.
 * Task thread only.
 */
final class StreamAggregateProcessor<K, V, A> extends ContextProcessor<K, V, K, Change<A>> {
    /** How a record meets the aggregate: {@code old} is null for the key's first record. */
    interface Fold<K, V, A> {
        /** null: drop the record */
        A apply(K key, V value, A old, boolean first);

        static <K, V> Fold<K, V, Long> count() {
            return (k, v, old, first) -> first ? 1L : old + 1;
        }

        /** Records with a null value are dropped; the first value is the key's first aggregate. */
        static <K, V> Fold<K, V, V> reduce(BinaryOperator<V> reducer) {
            return (k, v, old, first) -> v == null ? null : first ? v : reducer.apply(old, v);
        }

        static <K, V, A> Fold<K, V, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator) {
            return (k, v, old, first) -> aggregator.apply(k, v, first ? initializer.get() : old);
        }
    }

    private final String storeName;
    private final Fold<K, V, A> fold;
    private KeyValueStoreImpl<K, A> store;

    StreamAggregateProcessor(String storeName, Fold<K, V, A> fold) {
        this.storeName = storeName;
        this.fold = fold;
    }

    @Override
    public void init(ProcessorContext<K, Change<A>> context) {
        super.init(context);
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.key() == null) {
            return;
        }
        ValueAndTimestamp<A> old = store.getWithTimestamp(record.key());
        A oldValue = old == null ? null : old.value();
        A newValue = fold.apply(record.key(), record.value(), oldValue, old == null);
        if (newValue == null) {
            return;
        }
        long timestamp = old == null ? record.timestamp() : Math.max(record.timestamp(), old.timestamp());
        store.put(record.key(), newValue, timestamp);
        context.forward(new Record<>(record.key(), new Change<>(newValue, oldValue), timestamp, record.headers()));
    }
}

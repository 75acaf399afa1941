package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.state.internals.KeyValueStoreImpl;
import dev.sluice.streams.state.internals.ValueAndTimestamp;

/**
 * Turns a topic into a table: each record sets its key's row (a null value deletes it) in the store
 * and is forwarded as a change. Records with a null key are dropped. Task thread only.
 */
final class TableSourceProcessor<K, V> extends ContextProcessor<K, V, K, Change<V>> {
    private final String storeName;
    private KeyValueStoreImpl<K, V> store;

    TableSourceProcessor(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<K, Change<V>> context) {
        super.init(context);
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.key() == null) {
            return;
        }
        ValueAndTimestamp<V> old = store.getWithTimestamp(record.key());
        if (record.value() == null) {
            if (old == null) {
                return;
            }
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value(), record.timestamp());
        }
        context.forward(record.withValue(new Change<>(record.value(), old == null ? null : old.value())));
    }
}

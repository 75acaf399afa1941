package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.state.internals.KeyValueStoreImpl;

import java.util.function.BiFunction;

/**
 * Joins each stream record with the table's current value of its key (the table's store, kept in the
 * same task by co-partitioning). Inner: records without a table value are dropped; left: joined with
 * null. Records with a null key or value are dropped. Task thread only.
 */
final class StreamTableJoinProcessor<K, V, VT, VR> extends ContextProcessor<K, V, K, VR> {
    private final String tableStore;
    private final BiFunction<? super V, ? super VT, ? extends VR> joiner;
    private final boolean left;
    private KeyValueStoreImpl<K, VT> table;

    StreamTableJoinProcessor(String tableStore, BiFunction<? super V, ? super VT, ? extends VR> joiner, boolean left) {
        this.tableStore = tableStore;
        this.joiner = joiner;
        this.left = left;
    }

    @Override
    public void init(ProcessorContext<K, VR> context) {
        super.init(context);
        table = context.getStateStore(tableStore);
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        VT tableValue = table.get(record.key());
        if (tableValue == null && !left) {
            return;
        }
        context.forward(record.withValue(joiner.apply(record.value(), tableValue)));
    }
}

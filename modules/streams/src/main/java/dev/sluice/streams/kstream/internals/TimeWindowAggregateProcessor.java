package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.kstream.TimeWindows;
import dev.sluice.streams.kstream.Window;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.state.internals.ValueAndTimestamp;
import dev.sluice.streams.state.internals.WindowStoreImpl;

/**
 * Aggregates into every time window containing the record, as long as the window is open: its end is
 * after this processor's stream time minus grace (Kafka's rule; later records are dropped as late).
 * Windows past retention are dropped from the store. Task thread only.
 */
final class TimeWindowAggregateProcessor<K, V, A> extends ContextProcessor<K, V, Windowed<K>, Change<A>> {
    private final String storeName;
    private final TimeWindows windows;
    private final long retentionMs;
    private final StreamAggregateProcessor.Fold<K, V, A> fold;
    private WindowStoreImpl<K, A> store;
    private long observedStreamTime = -1;

    TimeWindowAggregateProcessor(String storeName, TimeWindows windows, long retentionMs,
                                 StreamAggregateProcessor.Fold<K, V, A> fold) {
        this.storeName = storeName;
        this.windows = windows;
        this.retentionMs = retentionMs;
        this.fold = fold;
    }

    @Override
    public void init(ProcessorContext<Windowed<K>, Change<A>> context) {
        super.init(context);
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.key() == null) {
            return;
        }
        long ts = record.timestamp();
        observedStreamTime = Math.max(observedStreamTime, ts);
        long closeTime = observedStreamTime - windows.graceMs();
        for (Window w : windows.windowsFor(ts)) {
            if (w.end() <= closeTime) {
                continue; // late: the window has closed
            }
            ValueAndTimestamp<A> old = store.fetchWithTimestamp(record.key(), w.start());
            A oldValue = old == null ? null : old.value();
            A newValue = fold.apply(record.key(), record.value(), oldValue, old == null);
            if (newValue == null) {
                continue;
            }
            long newTs = old == null ? ts : Math.max(ts, old.timestamp());
            store.put(record.key(), newValue, w.start(), newTs);
            context.forward(new Record<>(new Windowed<>(record.key(), w), new Change<>(newValue, oldValue), newTs,
                    record.headers()));
        }
        store.expireBefore(observedStreamTime - retentionMs + 1);
    }
}

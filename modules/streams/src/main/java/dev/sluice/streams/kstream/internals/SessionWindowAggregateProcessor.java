package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.kstream.Aggregator;
import dev.sluice.streams.kstream.Merger;
import dev.sluice.streams.kstream.SessionWindows;
import dev.sluice.streams.kstream.Window;
import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.state.internals.SessionStoreImpl;

import java.util.List;
import java.util.function.Supplier;

/**
 * Session aggregation (Kafka's rule): a record's session is merged with every session of its key
 * ending at or after {@code ts - gap} and starting at or before {@code ts + gap}; the merged sessions
 * are removed (forwarded as deletions) and the new one stored and forwarded with its end as timestamp.
 * A record whose merged session ends before stream time minus grace minus gap is late and dropped
 * (Kafka's close time for sessions). Task thread only.
 */
final class SessionWindowAggregateProcessor<K, V, A> extends ContextProcessor<K, V, Windowed<K>, Change<A>> {
    private final String storeName;
    private final SessionWindows windows;
    private final long retentionMs;
    private final Supplier<A> initializer;
    private final Aggregator<? super K, ? super V, A> aggregator;
    private final Merger<? super K, A> merger;
    private SessionStoreImpl<K, A> store;
    private long observedStreamTime = -1;

    SessionWindowAggregateProcessor(String storeName, SessionWindows windows, long retentionMs, Supplier<A> initializer,
                                    Aggregator<? super K, ? super V, A> aggregator, Merger<? super K, A> merger) {
        this.storeName = storeName;
        this.windows = windows;
        this.retentionMs = retentionMs;
        this.initializer = initializer;
        this.aggregator = aggregator;
        this.merger = merger;
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
        long closeTime = observedStreamTime - windows.graceMs() - windows.inactivityGapMs();
        List<KeyValue<Windowed<K>, A>> merged = store.findSessions(record.key(), ts - windows.inactivityGapMs(),
                ts + windows.inactivityGapMs());
        long start = ts;
        long end = ts;
        A agg = initializer.get();
        for (KeyValue<Windowed<K>, A> session : merged) {
            agg = merger.apply(record.key(), agg, session.value());
            start = Math.min(start, session.key().window().start());
            end = Math.max(end, session.key().window().end());
        }
        if (end < closeTime) {
            return; // late
        }
        Window window = new Window(start, end);
        if (start != ts || end != ts) { // as Kafka: every merged session is deleted downstream, even one equal to the result
            for (KeyValue<Windowed<K>, A> session : merged) {
                store.remove(session.key());
                context.forward(new Record<>(session.key(), new Change<>(null, session.value()),
                        session.key().window().end(), record.headers()));
            }
        }
        agg = aggregator.apply(record.key(), record.value(), agg);
        Windowed<K> key = new Windowed<>(record.key(), window);
        store.put(key, agg);
        context.forward(new Record<>(key, new Change<>(agg, null), end, record.headers()));
        store.expireBefore(observedStreamTime - retentionMs);
    }
}

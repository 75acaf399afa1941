package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.kstream.Windowed;
import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.state.internals.SuppressionBuffer;

/**
 * Suppression until a window closes (Kafka's final-results rule): keeps each window's latest value and
 * emits it once this processor's stream time reaches the window's end plus grace. Deletions are
 * dropped, not emitted. The buffer is a logged store, so a moved task emits what it held. Task thread only.
 */
final class SuppressProcessor<K, V> extends ContextProcessor<Windowed<K>, Change<V>, Windowed<K>, Change<V>> {
    private final String storeName;
    private final long graceMs;
    private SuppressionBuffer<K, V> buffer;
    private long observedStreamTime = -1;

    SuppressProcessor(String storeName, long graceMs) {
        this.storeName = storeName;
        this.graceMs = graceMs;
    }

    @Override
    public void init(ProcessorContext<Windowed<K>, Change<V>> context) {
        super.init(context);
        buffer = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<Windowed<K>, Change<V>> record) {
        observedStreamTime = Math.max(observedStreamTime, record.timestamp());
        buffer.put(record.key(), record.value().newValue(), record.timestamp());
        for (Record<Windowed<K>, V> closed : buffer.evictUpTo(observedStreamTime - graceMs)) {
            context.forward(new Record<>(closed.key(), new Change<>(closed.value(), null), closed.timestamp()));
        }
    }
}

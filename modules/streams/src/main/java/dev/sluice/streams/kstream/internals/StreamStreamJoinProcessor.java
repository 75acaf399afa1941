package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.state.internals.JoinBuffer;

import java.util.function.BiFunction;

/**
 * One side of a windowed inner stream-stream join: keeps the record in this side's buffer, then joins
 * it with every record of the other side's buffer with the same key whose timestamp is within
 * {@code [ts - before, ts + after]} (from this side's view); each pair is forwarded with the later of
 * the two timestamps. Records older than stream time minus the retention are dropped. Task thread only.
 */
final class StreamStreamJoinProcessor<K, V, VO, VR> extends ContextProcessor<K, V, K, VR> {
    private final String thisStore;
    private final String otherStore;
    private final long beforeMs;
    private final long afterMs;
    private final long retentionMs;
    private final BiFunction<? super V, ? super VO, ? extends VR> joiner;
    private JoinBuffer<K, V> mine;
    private JoinBuffer<K, VO> other;

    StreamStreamJoinProcessor(String thisStore, String otherStore, long beforeMs, long afterMs, long retentionMs,
                              BiFunction<? super V, ? super VO, ? extends VR> joiner) {
        this.thisStore = thisStore;
        this.otherStore = otherStore;
        this.beforeMs = beforeMs;
        this.afterMs = afterMs;
        this.retentionMs = retentionMs;
        this.joiner = joiner;
    }

    @Override
    public void init(ProcessorContext<K, VR> context) {
        super.init(context);
        mine = context.getStateStore(thisStore);
        other = context.getStateStore(otherStore);
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        long ts = record.timestamp();
        long streamTime = context.currentStreamTimeMs();
        if (ts <= streamTime - retentionMs) {
            return; // expired before it arrived
        }
        mine.put(record.key(), record.value(), ts);
        for (KeyValue<Long, VO> match : other.fetch(record.key(), ts - beforeMs, ts + afterMs)) {
            context.forward(new Record<>(record.key(), joiner.apply(record.value(), match.value()),
                    Math.max(ts, match.key()), record.headers()));
        }
        mine.expireBefore(streamTime - retentionMs + 1);
    }
}

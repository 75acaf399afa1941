package dev.sluice.streams.runtime;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.ConsumerRecords;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.streams.KeyValue;
import dev.sluice.streams.StreamsException;
import dev.sluice.streams.state.internals.BytesStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuilds stores from their changelogs with a consumer of its own (assigned partitions, no group):
 * from a checkpoint offset or the beginning up to the end seen when restoring starts (the last stable
 * offset under exactly-once, so an open transaction of a failed instance is waited for, then skipped
 * if aborted). Stream thread only.
 */
final class ChangelogRestorer {
    private static final System.Logger LOG = System.getLogger(ChangelogRestorer.class.getName());
    private static final long TIMEOUT_MS = 300_000;

    private final SluiceConsumer consumer;
    private final AtomicLong restoredTotal = new AtomicLong();

    ChangelogRestorer(SluiceConsumer consumer) {
        this.consumer = consumer;
    }

    /** Changelog records restored so far (any thread). */
    long restoredTotal() {
        return restoredTotal.get();
    }

    /**
     * @param targets where each changelog partition's records go
     * @param from    offsets to start at (absent: the beginning)
     * @return the offset each partition was restored up to
     */
    Map<TopicPartition, Long> restore(Map<TopicPartition, BytesStore> targets, Map<TopicPartition, Long> from) {
        if (targets.isEmpty()) {
            return Map.of();
        }
        consumer.assign(targets.keySet());
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(targets.keySet());
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : targets.keySet()) {
                Long start = from.get(tp);
                if (start != null) {
                    consumer.seek(tp, start);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
                if (consumer.position(tp) < ends.get(tp)) {
                    remaining.put(tp, ends.get(tp));
                }
            }
            long restored = 0;
            long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new StreamsException("restoring " + remaining.keySet() + " did not finish in " + TIMEOUT_MS + " ms");
                }
                ConsumerRecords polled = consumer.poll(Duration.ofMillis(100));
                for (TopicPartition tp : polled.partitions()) {
                    restored += apply(polled.records(tp), targets.get(tp), ends.get(tp));
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            restoredTotal.addAndGet(restored);
            long count = restored;
            LOG.log(System.Logger.Level.INFO, () -> "restored " + count + " changelog records of " + targets.keySet());
            return ends;
        } finally {
            consumer.assign(List.of());
        }
    }

    /**
     * Applies one poll of a changelog partition's records below {@code end} to {@code store} as one write
     * (restoration and standbys alike): a record's key and value are the store entry, a null value deletes.
     *
     * @return how many records were applied
     */
    static int apply(List<ConsumerRecord> records, BytesStore store, long end) {
        List<KeyValue<byte[], byte[]>> changes = new ArrayList<>(records.size());
        for (ConsumerRecord r : records) {
            if (r.offset() < end) {
                changes.add(KeyValue.pair(r.key(), r.value()));
            }
        }
        store.putAll(changes);
        return changes.size();
    }
}

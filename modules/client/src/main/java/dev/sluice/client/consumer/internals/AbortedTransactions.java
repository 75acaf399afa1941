package dev.sluice.client.consumer.internals;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A read_committed consumer's filter over one partition's fetched batches, from the fetch
 * response's AbortedTransactions (producer id, first offset): walking the batches in offset order,
 * a transaction becomes aborted once the walk reaches its first offset, its transactional batches
 * are dropped, and its ABORT marker ends it (Kafka's consumer does the same). Control batches are
 * never returned by anyone; this only decides about data batches.
 *
 * <p>Threads: the application thread that polls (one {@link CompletedFetch} at a time).
 */
final class AbortedTransactions {
    /** One entry of a fetch response's AbortedTransactions. */
    record Aborted(long producerId, long firstOffset) {
    }

    /** Control record types (the key of a control batch's record: version int16, type int16). */
    static final short ABORT_MARKER = 0;

    private final PriorityQueue<Aborted> upcoming =
            new PriorityQueue<>((a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));
    private final Set<Long> abortedProducers = new HashSet<>();

    AbortedTransactions(List<Aborted> aborted) {
        upcoming.addAll(aborted);
    }

    /** True if {@code batch} (a data batch) belongs to an aborted transaction and must be skipped. */
    boolean skip(RecordBatch batch) {
        admitUpTo(batch.lastOffset());
        return batch.isTransactional() && abortedProducers.contains(batch.producerId());
    }

    /** A control batch was passed: an ABORT marker closes its producer's aborted transaction. */
    void control(RecordBatch batch, CompressionCodecs codecs) {
        admitUpTo(batch.lastOffset());
        if (!abortedProducers.contains(batch.producerId())) {
            return;
        }
        Iterator<Record> records = RecordBatches.records(batch, codecs).iterator();
        if (records.hasNext() && controlType(records.next().key()) == ABORT_MARKER) {
            abortedProducers.remove(batch.producerId());
        }
    }

    private void admitUpTo(long lastOffset) {
        while (!upcoming.isEmpty() && upcoming.peek().firstOffset() <= lastOffset) {
            abortedProducers.add(upcoming.poll().producerId());
        }
    }

    /** The marker type of a control record key, or -1 if it is malformed. */
    static short controlType(ByteBuffer key) {
        if (key == null || key.remaining() < 4) {
            return -1;
        }
        return key.getShort(key.position() + 2);
    }
}

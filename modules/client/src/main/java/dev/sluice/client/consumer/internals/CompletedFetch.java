package dev.sluice.client.consumer.internals;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One partition's data from a fetch response, decoded a batch at a time as poll asks for
 * records (so a large response is not all expanded at once). Remembers the position it is
 * valid for: after a seek the rest is discarded.
 */
final class CompletedFetch {
    final TopicPartition partition;
    private final ByteBuffer records;
    private final CompressionCodecs codecs;
    /** read_committed only: drops aborted transactions; null for read_uncommitted. */
    private final AbortedTransactions aborted;
    private int nextBatch;
    private Iterator<Record> current;
    private RecordBatch currentBatch;
    /** The position the remaining records continue from. */
    long position;

    CompletedFetch(TopicPartition partition, long fetchOffset, ByteBuffer records, CompressionCodecs codecs) {
        this(partition, fetchOffset, records, codecs, null);
    }

    CompletedFetch(TopicPartition partition, long fetchOffset, ByteBuffer records, CompressionCodecs codecs,
                   AbortedTransactions aborted) {
        this.aborted = aborted;
        this.partition = partition;
        this.position = fetchOffset;
        this.records = records;
        this.codecs = codecs;
        this.nextBatch = records.position();
        records.limit(records.position() + RecordBatches.completeBatchesSize(records)); // drop a partial tail
    }

    /**
     * Up to {@code max} records from the current position on; advances {@link #position} past them
     * (and past batches holding nothing to return: control batches, and for read_committed the
     * batches of aborted transactions).
     */
    List<ConsumerRecord> take(int max) {
        List<ConsumerRecord> out = new ArrayList<>(Math.min(max, 64));
        while (out.size() < max) {
            if (current == null || !current.hasNext()) {
                if (currentBatch != null) {
                    position = Math.max(position, currentBatch.nextOffset());
                    currentBatch = null;
                }
                if (nextBatch >= records.limit()) {
                    break;
                }
                RecordBatch b = new RecordBatch(records, nextBatch);
                nextBatch += b.sizeInBytes();
                currentBatch = b;
                if (b.isControl()) {
                    if (aborted != null) {
                        aborted.control(b, codecs);
                    }
                    current = null;
                    continue;
                }
                if (b.lastOffset() < position || (aborted != null && aborted.skip(b))) {
                    current = null;
                    continue;
                }
                if (!b.isCrcValid()) {
                    throw new dev.sluice.client.SluiceClientException("corrupt batch (CRC mismatch) at offset "
                            + b.baseOffset() + " of " + partition);
                }
                current = RecordBatches.records(b, codecs).iterator();
                continue;
            }
            Record r = current.next();
            if (r.offset() < position) {
                continue;
            }
            out.add(new ConsumerRecord(partition.topic(), partition.partition(), r.offset(), r.timestamp(),
                    currentBatch.timestampType(), bytes(r.key()), bytes(r.value()), r.headers()));
            position = r.offset() + 1;
        }
        if ((current == null || !current.hasNext()) && currentBatch != null) {
            position = Math.max(position, currentBatch.nextOffset());
            currentBatch = null;
        }
        return out;
    }

    boolean isDrained() {
        return (current == null || !current.hasNext()) && nextBatch >= records.limit();
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}

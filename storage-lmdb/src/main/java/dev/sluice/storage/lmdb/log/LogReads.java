package dev.sluice.storage.lmdb.log;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The read side of a partition log, each call inside one read snapshot. The range check uses the
 * partition metadata of that same snapshot, so a read never mixes the log start or end of one
 * moment with the batches of another (a concurrent truncation or retention is either wholly
 * visible or not at all).
 */
final class LogReads {
    private final LogTables tables;
    private final int id;
    private final TopicPartition partition;

    LogReads(LogTables tables, int id, TopicPartition partition) {
        this.tables = tables;
        this.id = id;
        this.partition = partition;
    }

    /** See {@link dev.sluice.api.storage.LogStorage#read}. Two passes: size the batches, then copy them once. */
    LogSlice read(Txn<ByteBuffer> txn, long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch) {
        PartitionMeta meta = tables.meta(txn, id);
        if (fromOffset < meta.logStart() || fromOffset > meta.logEnd()) {
            throw new OffsetOutOfRangeException("offset " + fromOffset + " is outside the log of " + partition
                    + " [" + meta.logStart() + ", " + meta.logEnd() + "]");
        }
        long end = Math.min(maxOffset, meta.logEnd());
        if (fromOffset >= end) {
            return LogSlice.EMPTY;
        }
        try (BatchCursor cursor = new BatchCursor(tables, txn, id)) {
            if (!cursor.seekContaining(fromOffset)) {
                return LogSlice.EMPTY;
            }
            long first = cursor.baseOffset();
            int total = 0;
            int count = 0;
            do {
                int size = cursor.bytes().remaining();
                if (cursor.baseOffset() >= end || (total + (long) size > maxBytes && !(count == 0 && minOneBatch))) {
                    break;
                }
                total += size;
                count++;
            } while (cursor.next());
            if (count == 0) {
                return LogSlice.EMPTY;
            }
            ByteBuffer out = ByteBuffer.allocate(total);
            cursor.seekContaining(first);
            for (int i = 0; i < count; i++, cursor.next()) {
                out.put(cursor.bytes());
            }
            return new LmdbSlice(out.flip());
        }
    }

    /** See {@link dev.sluice.api.storage.LogStorage#offsetForTimestamp}: time index seek, then batch headers, then records. */
    Optional<TimestampOffset> offsetForTimestamp(Txn<ByteBuffer> txn, long timestamp) {
        PartitionMeta meta = tables.meta(txn, id);
        long candidate;
        try (TimeIndex index = new TimeIndex(tables, txn, id)) {
            candidate = index.firstOffsetAtOrAfter(timestamp);
        }
        if (candidate == TimeIndex.NONE) {
            return Optional.empty();
        }
        return search(txn, meta, timestamp, Math.max(candidate, meta.logStart()));
    }

    /** See {@link dev.sluice.api.storage.LogStorage#maxTimestamp}. */
    Optional<TimestampOffset> maxTimestamp(Txn<ByteBuffer> txn) {
        PartitionMeta meta = tables.meta(txn, id);
        long max;
        long holder;
        try (TimeIndex index = new TimeIndex(tables, txn, id)) {
            if (!index.seekLast()) {
                return Optional.empty();
            }
            max = index.timestamp();
            holder = index.offset();
        }
        try (BatchCursor cursor = new BatchCursor(tables, txn, id)) {
            if (!cursor.seekFirst()) {
                return Optional.empty();
            }
            if (holder < cursor.baseOffset()) {
                // the batch with the largest timestamp ever was deleted: find the largest that is left
                max = Long.MIN_VALUE;
                do {
                    RecordBatch batch = cursor.batch();
                    if (batch.maxTimestamp() > max) {
                        max = batch.maxTimestamp();
                        holder = batch.baseOffset();
                    }
                } while (cursor.next());
            }
        }
        if (max < 0) {
            return Optional.empty();
        }
        TimestampOffset fallback = new TimestampOffset(max, holder); // a batch without records still carries its offset
        return search(txn, meta, max, Math.max(holder, meta.logStart())).or(() -> Optional.of(fallback));
    }

    /** The first record at or after {@code fromOffset} (and below the log end) stamped {@code >= timestamp}. */
    private Optional<TimestampOffset> search(Txn<ByteBuffer> txn, PartitionMeta meta, long timestamp, long fromOffset) {
        try (BatchCursor cursor = new BatchCursor(tables, txn, id)) {
            if (!cursor.seekContaining(fromOffset)) {
                return Optional.empty();
            }
            do {
                RecordBatch batch = cursor.batch();
                if (batch.baseOffset() >= meta.logEnd()) {
                    break;
                }
                if (batch.maxTimestamp() >= timestamp && batch.lastOffset() >= fromOffset) {
                    // Record key/value buffers point into LMDB memory: only the two longs leave this snapshot
                    for (Record record : RecordBatches.records(batch, CompressionCodecs.installed())) {
                        if (record.timestamp() >= timestamp && record.offset() >= fromOffset) {
                            return Optional.of(new TimestampOffset(record.timestamp(), record.offset()));
                        }
                    }
                }
            } while (cursor.next());
            return Optional.empty();
        }
    }
}

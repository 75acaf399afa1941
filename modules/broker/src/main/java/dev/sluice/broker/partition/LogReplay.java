package dev.sluice.broker.partition;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a log to its end in bounded chunks and hands each batch to a visitor: how the internal
 * topics' state (group offsets, transactions) is rebuilt when a coordinator loads a partition, and a
 * partition's producer state after its snapshot. Threads: the caller's; one flyweight per call.
 */
public final class LogReplay {
    private static final int READ_CHUNK_BYTES = 1024 * 1024;

    /** Sees one batch; records below {@code from} were already seen (a chunk may start inside a compressed batch). */
    @FunctionalInterface
    public interface BatchVisitor {
        void batch(RecordBatch batch, long from);
    }

    private LogReplay() {
    }

    /**
     * Every batch with a record at or after the log start, in offset order.
     *
     * @throws StorageException if the log cannot be read
     */
    public static void forEachBatch(LogStorage log, BatchVisitor visitor) {
        forEachBatch(log, log.logStartOffset(), visitor);
    }

    /**
     * Every batch with a record at or after {@code from}, in offset order (the producer state's
     * replay after its snapshot).
     *
     * @throws StorageException if the log cannot be read
     */
    public static void forEachBatch(LogStorage log, long from, BatchVisitor visitor) {
        RecordBatch batch = new RecordBatch();
        long next = from;
        long end = log.logEndOffset();
        while (next < end) {
            ByteBuffer buffer;
            try {
                LogSlice slice = log.read(next, end, READ_CHUNK_BYTES, true);
                buffer = slice.toBuffer();
            } catch (IOException e) {
                throw new StorageException("cannot read " + log.topicPartition() + " at " + next, e);
            }
            if (!buffer.hasRemaining()) {
                break;
            }
            int position = 0;
            while (position < buffer.limit()) {
                batch.wrap(buffer, position);
                if (batch.nextOffset() > next) {
                    visitor.batch(batch, next);
                }
                next = batch.nextOffset();
                position += batch.sizeInBytes();
            }
        }
    }
}

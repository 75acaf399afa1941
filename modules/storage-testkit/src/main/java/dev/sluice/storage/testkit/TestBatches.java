package dev.sluice.storage.testkit;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogSlice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Building record batches for tests and looking inside what a log returns. */
public final class TestBatches {
    private TestBatches() {
    }

    /** An uncompressed batch with one record per timestamp, values {@code "<prefix>-<i>"}. */
    public static ByteBuffer batch(String prefix, long... timestamps) {
        return batch(RecordBatch.NO_PARTITION_LEADER_EPOCH, 0L, prefix, timestamps);
    }

    /** As {@link #batch(String, long...)} with a leader epoch and a base offset (for appendWithOffsets). */
    public static ByteBuffer batch(int leaderEpoch, long baseOffset, String prefix, long... timestamps) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).partitionLeaderEpoch(leaderEpoch).baseOffset(baseOffset);
        for (int i = 0; i < timestamps.length; i++) {
            builder.append(timestamps[i], ("k" + i).getBytes(StandardCharsets.UTF_8),
                    (prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** A batch of {@code records} records all stamped {@code timestamp}, padded to about {@code valueBytes} each. */
    public static ByteBuffer sizedBatch(long timestamp, int records, int valueBytes) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null);
        byte[] value = new byte[valueBytes];
        for (int i = 0; i < records; i++) {
            value[i % valueBytes] = (byte) i;
            builder.append(timestamp, null, value);
        }
        return builder.build();
    }

    /** The batches laid end to end in one buffer, as a produce request carries them. */
    public static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer b : batches) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    public static ByteBuffer bytesOf(LogSlice slice) {
        try {
            return slice.toBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flyweights over each batch in the slice, after checking the slice holds only whole, valid batches. */
    public static List<RecordBatch> batchesOf(LogSlice slice) {
        ByteBuffer buffer = bytesOf(slice);
        List<RecordBatch> batches = new ArrayList<>();
        if (buffer.remaining() > 0) {
            RecordBatches.validateAll(buffer.duplicate());
        }
        for (int at = 0; at < buffer.limit(); ) {
            RecordBatch batch = new RecordBatch(buffer, at);
            batches.add(batch);
            at += batch.sizeInBytes();
        }
        return batches;
    }

    public static List<Long> baseOffsetsOf(LogSlice slice) {
        return batchesOf(slice).stream().map(RecordBatch::baseOffset).toList();
    }

    /** Every record of every batch in the slice. */
    public static List<Record> recordsOf(LogSlice slice) {
        List<Record> records = new ArrayList<>();
        for (RecordBatch batch : batchesOf(slice)) {
            records.addAll(RecordBatches.records(batch, CompressionCodecs.installed()));
        }
        return records;
    }

    public static String valueOf(Record record) {
        return new String(record.valueBytes(), StandardCharsets.UTF_8);
    }

    public static int sizeOf(ByteBuffer batch) {
        return batch.remaining();
    }
}

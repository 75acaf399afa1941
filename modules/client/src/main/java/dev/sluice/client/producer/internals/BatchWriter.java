package dev.sluice.client.producer.internals;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.record.Header;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.Varints;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a v2 record batch incrementally, straight into the batch's (pooled) buffer: the 61-byte
 * header is reserved, each record is encoded in place as it is appended, and {@link #close}
 * fills the header and CRC. Uncompressed batches go on the wire from that same buffer; a codec
 * compresses the records section once, at close.
 */
final class BatchWriter {
    private static final int COMPRESSION_MASK = 0x07;
    /** Attribute bit 4: the batch belongs to a transaction (Kafka's v2 batch attributes). */
    static final int TRANSACTIONAL_FLAG = 0x10;

    private final ByteBuffer buffer;
    private int count;
    private long baseTimestamp;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;

    BatchWriter(ByteBuffer buffer) {
        this.buffer = buffer;
        buffer.clear().position(RecordBatch.HEADER_SIZE);
    }

    /** Bytes a batch holding only this record needs. */
    static int sizeAlone(byte[] key, byte[] value, List<Header> headers) {
        return RecordBatch.HEADER_SIZE + recordSize(0, 0, key, value, headers);
    }

    int count() {
        return count;
    }

    int sizeInBytes() {
        return buffer.position();
    }

    /** Appends the record if it fits in the buffer; returns its offset delta, or -1 if it does not fit. */
    int tryAppend(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        long base = count == 0 ? timestamp : baseTimestamp;
        long timestampDelta = timestamp - base;
        int bodySize = bodySizeOf(timestampDelta, count, key, value, headers);
        if (Varints.sizeOfVarint(bodySize) + bodySize > buffer.remaining()) {
            return -1;
        }
        Varints.writeVarint(bodySize, buffer);
        buffer.put((byte) 0); // record attributes: unused in v2
        Varints.writeVarlong(timestampDelta, buffer);
        Varints.writeVarint(count, buffer);
        writeBytes(key);
        writeBytes(value);
        Varints.writeVarint(headers.size(), buffer);
        for (Header header : headers) {
            writeBytes(header.key().getBytes(StandardCharsets.UTF_8));
            writeBytes(header.value());
        }
        if (count == 0) {
            baseTimestamp = timestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        return count++;
    }

    /**
     * Finishes the batch: header, producer fields and CRC. Returns the batch bytes, positioned at 0:
     * a view of the writer's buffer, or a new buffer when compressed.
     */
    ByteBuffer close(CompressionCodec codec, long producerId, short producerEpoch, int baseSequence,
                     boolean transactional) {
        int end = buffer.position();
        ByteBuffer out;
        if (codec == null) {
            out = buffer.duplicate();
            out.position(0).limit(end);
            out = out.slice();
        } else {
            byte[] compressed = compress(codec, end);
            out = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + compressed.length);
            out.position(RecordBatch.HEADER_SIZE);
            out.put(compressed);
            out.flip();
        }
        out.putLong(0, 0L);
        out.putInt(RecordBatch.LENGTH_OFFSET, out.limit() - RecordBatch.LOG_OVERHEAD);
        out.putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        out.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC_V2);
        int attributes = (codec == null ? 0 : codec.id() & COMPRESSION_MASK) | (transactional ? TRANSACTIONAL_FLAG : 0);
        out.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) attributes);
        out.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, count - 1);
        out.putLong(RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp);
        out.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
        out.putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
        out.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
        out.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
        out.putInt(RecordBatch.RECORDS_COUNT_OFFSET, count);
        new RecordBatch(out, 0).writeCrc();
        return out;
    }

    private byte[] compress(CompressionCodec codec, int end) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(Math.max(64, (end - RecordBatch.HEADER_SIZE) / 2));
        try (OutputStream out = codec.compress(sink, null)) {
            out.write(buffer.array(), buffer.arrayOffset() + RecordBatch.HEADER_SIZE, end - RecordBatch.HEADER_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException("compression with " + codec.name() + " failed", e);
        }
        return sink.toByteArray();
    }

    private void writeBytes(byte[] bytes) {
        if (bytes == null) {
            Varints.writeVarint(-1, buffer);
        } else {
            Varints.writeVarint(bytes.length, buffer);
            buffer.put(bytes);
        }
    }

    /** A record's encoded size including its length prefix. */
    static int recordSize(long timestampDelta, int offsetDelta, byte[] key, byte[] value, List<Header> headers) {
        int body = bodySizeOf(timestampDelta, offsetDelta, key, value, headers);
        return Varints.sizeOfVarint(body) + body;
    }

    private static int bodySizeOf(long timestampDelta, int offsetDelta, byte[] key, byte[] value, List<Header> headers) {
        int size = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta)
                + sizeOfBytes(key) + sizeOfBytes(value) + Varints.sizeOfVarint(headers.size());
        for (Header header : headers) {
            size += sizeOfBytes(header.key().getBytes(StandardCharsets.UTF_8)) + sizeOfBytes(header.value());
        }
        return size;
    }

    private static int sizeOfBytes(byte[] bytes) {
        return bytes == null ? 1 : Varints.sizeOfVarint(bytes.length) + bytes.length;
    }
}

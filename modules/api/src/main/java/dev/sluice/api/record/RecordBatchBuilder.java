package dev.sluice.api.record;

import dev.sluice.api.compression.CompressionCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes one v2 record batch. Records are encoded as they are appended into a growing buffer;
 * {@link #build()} compresses them if a codec is set and lays down the header and CRC.
 * Not thread-safe; one builder makes one batch.
 */
public final class RecordBatchBuilder {
    private final CompressionCodec codec;
    private long baseOffset;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private int baseSequence = RecordBatch.NO_SEQUENCE;
    private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
    private boolean transactional;
    private boolean control;
    private TimestampType timestampType = TimestampType.CREATE_TIME;

    private ByteBuffer records = ByteBuffer.allocate(256);
    private int count;
    private long baseTimestamp = RecordBatch.NO_TIMESTAMP;
    private long maxTimestamp = RecordBatch.NO_TIMESTAMP;

    /** @param codec the codec for the records section, or {@code null} for none */
    public RecordBatchBuilder(CompressionCodec codec) {
        this.codec = codec;
    }

    public RecordBatchBuilder baseOffset(long baseOffset) {
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int epoch) {
        this.partitionLeaderEpoch = epoch;
        return this;
    }

    public RecordBatchBuilder transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    public RecordBatchBuilder control(boolean control) {
        this.control = control;
        return this;
    }

    public RecordBatchBuilder timestampType(TimestampType type) {
        this.timestampType = type;
        return this;
    }

    public int recordCount() {
        return count;
    }

    /** Uncompressed size of the records appended so far plus the header: an upper bound for sizing. */
    public int estimatedSizeInBytes() {
        return RecordBatch.HEADER_SIZE + records.position();
    }

    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value) {
        return append(timestamp, key, value, null);
    }

    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, Iterable<Header> headers) {
        if (count == 0) {
            baseTimestamp = timestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        long timestampDelta = timestamp - baseTimestamp;
        int offsetDelta = count;
        int bodySize = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta)
                + sizeOfBytes(key) + sizeOfBytes(value);
        int headerCount = 0;
        if (headers != null) {
            for (Header header : headers) {
                headerCount++;
                bodySize += sizeOfBytes(header.key().getBytes(StandardCharsets.UTF_8)) + sizeOfBytes(header.value());
            }
        }
        bodySize += Varints.sizeOfVarint(headerCount);
        ensureCapacity(Varints.sizeOfVarint(bodySize) + bodySize);
        Varints.writeVarint(bodySize, records);
        records.put((byte) 0);
        Varints.writeVarlong(timestampDelta, records);
        Varints.writeVarint(offsetDelta, records);
        writeBytes(key);
        writeBytes(value);
        Varints.writeVarint(headerCount, records);
        if (headers != null) {
            for (Header header : headers) {
                writeBytes(header.key().getBytes(StandardCharsets.UTF_8));
                writeBytes(header.value());
            }
        }
        count++;
        return this;
    }

    /** Lays out the finished batch; the returned buffer is positioned at 0 with limit = batch size. */
    public ByteBuffer build() {
        if (count == 0 && !control) {
            throw new IllegalStateException("a record batch needs at least one record");
        }
        records.flip();
        ByteBuffer body = codec == null ? records : compress(records);
        ByteBuffer out = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + body.remaining());
        int attributes = (codec == null ? 0 : codec.id() & RecordBatch.COMPRESSION_MASK)
                | (timestampType == TimestampType.LOG_APPEND_TIME ? RecordBatch.TIMESTAMP_TYPE_MASK : 0)
                | (transactional ? RecordBatch.TRANSACTIONAL_MASK : 0)
                | (control ? RecordBatch.CONTROL_MASK : 0);
        out.putLong(baseOffset);
        out.putInt(out.capacity() - RecordBatch.LOG_OVERHEAD);
        out.putInt(partitionLeaderEpoch);
        out.put(RecordBatch.MAGIC_V2);
        out.putInt(0); // crc, written below
        out.putShort((short) attributes);
        out.putInt(Math.max(count - 1, 0));
        out.putLong(baseTimestamp);
        out.putLong(maxTimestamp);
        out.putLong(producerId);
        out.putShort(producerEpoch);
        out.putInt(baseSequence);
        out.putInt(count);
        out.put(body);
        out.flip();
        new RecordBatch(out, 0).writeCrc();
        return out;
    }

    private ByteBuffer compress(ByteBuffer raw) {
        ExposedByteArrayOutputStream sink = new ExposedByteArrayOutputStream(Math.max(64, raw.remaining() / 2));
        try (OutputStream out = codec.compress(sink, null)) {
            out.write(raw.array(), raw.arrayOffset() + raw.position(), raw.remaining());
        } catch (IOException e) {
            throw new UncheckedIOException("compression with " + codec.name() + " failed", e);
        }
        return sink.toByteBuffer();
    }

    private void writeBytes(byte[] bytes) {
        if (bytes == null) {
            Varints.writeVarint(-1, records);
        } else {
            Varints.writeVarint(bytes.length, records);
            records.put(bytes);
        }
    }

    private static int sizeOfBytes(byte[] bytes) {
        return bytes == null ? 1 : Varints.sizeOfVarint(bytes.length) + bytes.length;
    }

    private void ensureCapacity(int extra) {
        if (records.remaining() < extra) {
            int newCapacity = Math.max(records.capacity() * 2, records.position() + extra);
            ByteBuffer bigger = ByteBuffer.allocate(newCapacity);
            records.flip();
            bigger.put(records);
            records = bigger;
        }
    }

    /** ByteArrayOutputStream whose buffer can be wrapped without a copy. */
    private static final class ExposedByteArrayOutputStream extends java.io.ByteArrayOutputStream {
        ExposedByteArrayOutputStream(int size) {
            super(size);
        }

        ByteBuffer toByteBuffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}

package dev.sluice.api.record;

import dev.sluice.api.compression.CompressionType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over one Kafka v2 ("magic 2") record batch held in a {@link ByteBuffer}.
 *
 * <p>Nothing is copied or decoded until asked for: the broker validates a batch, rewrites its
 * base offset and partition leader epoch in place (both lie outside the CRC) and stores the bytes
 * exactly as they came off the wire, so a fetch can later send them straight from the file.
 * One instance can be re-pointed with {@link #wrap} to walk many batches without allocation.
 *
 * <pre>
 * baseOffset: int64 | batchLength: int32 | partitionLeaderEpoch: int32 | magic: int8 (= 2)
 * crc: uint32 (CRC-32C of everything from attributes to the end)
 * attributes: int16 | lastOffsetDelta: int32 | baseTimestamp: int64 | maxTimestamp: int64
 * producerId: int64 | producerEpoch: int16 | baseSequence: int32 | recordCount: int32 | records...
 * </pre>
 */
public final class RecordBatch {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORDS_COUNT_OFFSET = 57;
    /** Size of the batch header; the first record starts here. */
    public static final int HEADER_SIZE = 61;
    /** Bytes before (and including) the length field: what {@code batchLength} does not count. */
    public static final int LOG_OVERHEAD = 12;

    public static final byte MAGIC_V2 = 2;
    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1L;

    static final int COMPRESSION_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    static final int TRANSACTIONAL_MASK = 0x10;
    static final int CONTROL_MASK = 0x20;
    static final int DELETE_HORIZON_MASK = 0x40;

    private ByteBuffer buffer;
    private int offset;

    public RecordBatch() {
    }

    public RecordBatch(ByteBuffer buffer, int offset) {
        wrap(buffer, offset);
    }

    /** Points this flyweight at the batch starting at absolute index {@code offset} of {@code buffer}. */
    public RecordBatch wrap(ByteBuffer buffer, int offset) {
        if (buffer.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("record batches are big-endian");
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    /** Absolute index of the batch's first byte in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    public long baseOffset() {
        return buffer.getLong(offset + BASE_OFFSET_OFFSET);
    }

    public void baseOffset(long baseOffset) {
        buffer.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
    }

    /** Bytes following the length field. */
    public int batchLength() {
        return buffer.getInt(offset + LENGTH_OFFSET);
    }

    /** Whole size of the batch in bytes, header included. */
    public int sizeInBytes() {
        return LOG_OVERHEAD + batchLength();
    }

    public int partitionLeaderEpoch() {
        return buffer.getInt(offset + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public void partitionLeaderEpoch(int epoch) {
        buffer.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    public byte magic() {
        return buffer.get(offset + MAGIC_OFFSET);
    }

    /** The CRC stored in the batch, as an unsigned 32-bit value. */
    public long storedCrc() {
        return Integer.toUnsignedLong(buffer.getInt(offset + CRC_OFFSET));
    }

    /** Computes the CRC-32C over attributes .. end of batch. */
    public long computeCrc() {
        CRC32C crc = new CRC32C();
        ByteBuffer view = buffer.duplicate();
        view.limit(offset + sizeInBytes()).position(offset + ATTRIBUTES_OFFSET);
        crc.update(view);
        return crc.getValue();
    }

    public boolean isCrcValid() {
        return storedCrc() == computeCrc();
    }

    public short attributes() {
        return buffer.getShort(offset + ATTRIBUTES_OFFSET);
    }

    /**
     * Kafka's codec of this batch; throws for ids 5-7, which only plugin codecs use
     * (see {@link #compressionId()}).
     */
    public CompressionType compressionType() {
        return CompressionType.forId(attributes() & COMPRESSION_MASK);
    }

    public int compressionId() {
        return attributes() & COMPRESSION_MASK;
    }

    public TimestampType timestampType() {
        return (attributes() & TIMESTAMP_TYPE_MASK) == 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_MASK) != 0;
    }

    public boolean isControl() {
        return (attributes() & CONTROL_MASK) != 0;
    }

    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_MASK) != 0;
    }

    public int lastOffsetDelta() {
        return buffer.getInt(offset + LAST_OFFSET_DELTA_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /** Offset after this batch: where the next batch starts. */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    public long baseTimestamp() {
        return buffer.getLong(offset + BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buffer.getLong(offset + MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buffer.getLong(offset + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buffer.getShort(offset + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buffer.getInt(offset + BASE_SEQUENCE_OFFSET);
    }

    /** Sequence of the last record, wrapping at Integer.MAX_VALUE as Kafka does. */
    public int lastSequence() {
        int base = baseSequence();
        if (base == NO_SEQUENCE) {
            return NO_SEQUENCE;
        }
        long last = (long) base + lastOffsetDelta();
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }

    public int recordCount() {
        return buffer.getInt(offset + RECORDS_COUNT_OFFSET);
    }

    /**
     * Marks the batch as stamped with the log append time {@code timestampMs}: sets the timestamp
     * type bit and the max timestamp, then recomputes the CRC (both are covered by it).
     */
    public void setLogAppendTime(long timestampMs) {
        short attributes = (short) (attributes() | TIMESTAMP_TYPE_MASK);
        buffer.putShort(offset + ATTRIBUTES_OFFSET, attributes);
        buffer.putLong(offset + MAX_TIMESTAMP_OFFSET, timestampMs);
        writeCrc();
    }

    /** Recomputes and stores the CRC. */
    public void writeCrc() {
        buffer.putInt(offset + CRC_OFFSET, (int) computeCrc());
    }

    /**
     * Checks the header is sane and the CRC matches; {@code available} is how many bytes from
     * {@link #offset()} belong to the buffer region being validated.
     *
     * @throws InvalidRecordException naming what is wrong
     */
    public void validate(int available) {
        validateStructure(available);
        verifyCrc();
    }

    /**
     * Checks only the CRC, for a batch whose structure was validated before.
     *
     * @throws InvalidRecordException if the stored CRC does not match
     */
    public void verifyCrc() {
        long computed = computeCrc();
        if (storedCrc() != computed) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT,
                    "record batch CRC mismatch: stored " + storedCrc() + ", computed " + computed);
        }
    }

    /**
     * Everything {@link #validate} checks but the CRC: sizes, magic, offset delta against record
     * count. For callers whose bytes get a full {@link #validate} later anyway (the log append),
     * so the CRC of every produced byte is computed once, not twice.
     *
     * @throws InvalidRecordException naming what is wrong
     */
    public void validateStructure(int available) {
        if (available < HEADER_SIZE) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT,
                    "record batch truncated: " + available + " bytes, header needs " + HEADER_SIZE);
        }
        int length = batchLength();
        if (length < HEADER_SIZE - LOG_OVERHEAD) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT,
                    "record batch length " + length + " is smaller than the header");
        }
        if ((long) length + LOG_OVERHEAD > available) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT,
                    "record batch declares " + (length + (long) LOG_OVERHEAD) + " bytes but only " + available + " remain");
        }
        if (magic() != MAGIC_V2) {
            throw new InvalidRecordException(InvalidRecordException.Reason.UNSUPPORTED_MAGIC,
                    "unsupported record batch magic " + magic() + " (only v2 is accepted)");
        }
        int count = recordCount();
        if (count < 0 || lastOffsetDelta() < 0 || (count > 0 && lastOffsetDelta() < count - 1)) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT,
                    "record batch has " + count + " records but last offset delta " + lastOffsetDelta());
        }
    }

    /**
     * A view of exactly this batch's bytes (position 0, limit = size), sharing them: no copy, and
     * not read-only, so codecs can read heap buffers through their arrays. Callers only read it;
     * a write would change the batch (and possibly a request frame or a log segment's buffer).
     */
    public ByteBuffer slice() {
        ByteBuffer view = buffer.duplicate();
        view.limit(offset + sizeInBytes()).position(offset);
        return view.slice();
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffset=" + lastOffset() + ", count=" + recordCount()
                + ", size=" + sizeInBytes() + ", codec=" + compressionId() + ", epoch=" + partitionLeaderEpoch()
                + ", producerId=" + producerId() + ", seq=" + baseSequence() + ")";
    }
}

package dev.sluice.api.record;

import java.nio.ByteBuffer;

/**
 * A transaction's commit or abort marker: a v2 control batch (transactional and control attributes
 * set, the producer's id and epoch, no sequence) holding one record, Kafka's {@code EndTxnMarker}:
 *
 * <pre>
 *   key:   version int16 (0) | type int16 (0 = ABORT, 1 = COMMIT)
 *   value: version int16 (0) | coordinatorEpoch int32
 * </pre>
 * Reading accepts only uncompressed control batches (Kafka writes markers uncompressed); anything
 * else is not a marker here. Stateless.
 */
public final class EndTxnMarker {
    public static final short ABORT = 0;
    public static final short COMMIT = 1;
    /** What {@link #typeOf} answers for a control batch that is not a readable transaction marker. */
    public static final int NOT_A_MARKER = -1;
    private static final short VERSION = 0;

    private EndTxnMarker() {
    }

    /** The marker batch (base offset 0: the log assigns it). */
    public static ByteBuffer batch(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                   long timestampMs) {
        byte[] key = ByteBuffer.allocate(4).putShort(VERSION).putShort(commit ? COMMIT : ABORT).array();
        byte[] value = ByteBuffer.allocate(6).putShort(VERSION).putInt(coordinatorEpoch).array();
        return new RecordBatchBuilder(null).producer(producerId, producerEpoch, RecordBatch.NO_SEQUENCE)
                .transactional(true).control(true).append(timestampMs, key, value).build();
    }

    /** {@link #COMMIT}, {@link #ABORT}, or {@link #NOT_A_MARKER} for {@code batch} (a validated control batch). */
    public static int typeOf(RecordBatch batch) {
        ByteBuffer key = field(batch, true);
        if (key == null || key.remaining() < 4 || key.getShort() < 0) {
            return NOT_A_MARKER;
        }
        short type = key.getShort();
        return type == ABORT || type == COMMIT ? type : NOT_A_MARKER;
    }

    /** The coordinator epoch a marker carries, or -1 if it cannot be read. */
    public static int coordinatorEpochOf(RecordBatch batch) {
        ByteBuffer value = field(batch, false);
        if (value == null || value.remaining() < 6) {
            return -1;
        }
        value.getShort(); // version
        return value.getInt();
    }

    /** The first record's key or value, as a view of the batch; null if the batch cannot hold one. */
    private static ByteBuffer field(RecordBatch batch, boolean wantKey) {
        if (!batch.isControl() || batch.compressionId() != 0 || batch.recordCount() < 1) {
            return null;
        }
        ByteBuffer in = batch.buffer().duplicate();
        int end = batch.offset() + batch.sizeInBytes();
        in.limit(end).position(batch.offset() + RecordBatch.HEADER_SIZE);
        try {
            Varints.readVarint(in); // record length
            in.get(); // attributes
            Varints.readVarlong(in); // timestamp delta
            Varints.readVarint(in); // offset delta
            int keyLength = Varints.readVarint(in);
            if (keyLength < 0 || keyLength > in.remaining()) {
                return null;
            }
            if (wantKey) {
                return in.slice(in.position(), keyLength);
            }
            in.position(in.position() + keyLength);
            int valueLength = Varints.readVarint(in);
            if (valueLength < 0 || valueLength > in.remaining()) {
                return null;
            }
            return in.slice(in.position(), valueLength);
        } catch (RuntimeException e) { // a varint running past the batch
            return null;
        }
    }
}

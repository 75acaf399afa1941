package dev.sluice.storage.lmdb.log;

import dev.sluice.storage.lmdb.env.Scratch;

import java.nio.ByteBuffer;

/**
 * Key layouts of the log tables. LMDB orders keys by unsigned byte comparison, so every field is
 * big-endian and each partition's keys form one contiguous range starting with its 4-byte id;
 * timestamps (which may be negative) have their sign bit flipped so they sort as numbers.
 *
 * <pre>
 * batches     [id:4][baseOffset:8]               -&gt; batch bytes
 * time-index  [id:4][maxTimestampSoFar:8][offset:8] -&gt; (empty)
 * epochs      [id:4][epoch:4]                    -&gt; startOffset:8
 * meta        [id:4]                             -&gt; logStart:8 logEnd:8 size:8
 * aborted-txns [id:4][markerOffset:8]            -&gt; producerId:8 firstOffset:8 lastStableOffset:8
 * meta        [id:4][1:1]                        -&gt; first dirty offset:8 (the cleaner's checkpoint)
 * partitions  "topic-partition" (UTF-8)          -&gt; id:4
 * </pre>
 */
final class Keys {
    static final int ID_BYTES = 4;

    private Keys() {
    }

    /** Just the id: the first key of the partition's range (and, for {@code id + 1}, just past its end). */
    static ByteBuffer prefix(int id) {
        return Scratch.key().putInt(id).flip();
    }

    /** The cleaner's checkpoint of partition {@code id}, next to its metadata. */
    static ByteBuffer cleanerCheckpoint(int id) {
        return Scratch.key().putInt(id).put((byte) 1).flip();
    }

    static ByteBuffer batch(int id, long baseOffset) {
        return Scratch.key().putInt(id).putLong(baseOffset).flip();
    }

    static ByteBuffer time(int id, long timestamp, long offset) {
        return Scratch.key().putInt(id).putLong(timestamp ^ Long.MIN_VALUE).putLong(offset).flip();
    }

    static ByteBuffer epoch(int id, int epoch) {
        return Scratch.key().putInt(id).putInt(epoch).flip();
    }

    static ByteBuffer abortedTxn(int id, long markerOffset) {
        return Scratch.key().putInt(id).putLong(markerOffset).flip();
    }

    static long abortMarkerOffset(ByteBuffer key) {
        return key.getLong(ID_BYTES);
    }

    static int id(ByteBuffer key) {
        return key.remaining() >= ID_BYTES ? key.getInt(0) : -1;
    }

    static long batchBaseOffset(ByteBuffer key) {
        return key.getLong(ID_BYTES);
    }

    static long timeTimestamp(ByteBuffer key) {
        return key.getLong(ID_BYTES) ^ Long.MIN_VALUE;
    }

    static long timeOffset(ByteBuffer key) {
        return key.getLong(ID_BYTES + 8);
    }

    static int epochOf(ByteBuffer key) {
        return key.getInt(ID_BYTES);
    }
}

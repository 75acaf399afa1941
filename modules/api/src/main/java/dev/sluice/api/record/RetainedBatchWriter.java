package dev.sluice.api.record;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.compression.CompressionCodecs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes what log compaction keeps of a v2 batch: the same base offset, last offset delta,
 * leader epoch, producer id/epoch, base sequence, timestamp type, transactional/control flags
 * and codec, with only the retained records, each at its own offset (offset deltas are kept, so
 * offsets have gaps). With a delete horizon the base timestamp holds it and the attributes say
 * so (Kafka's KIP-534); record timestamps stay exact because their deltas are rewritten against
 * it. The max timestamp is kept, so the time index and retention see the batch as before.
 * Stateless.
 */
public final class RetainedBatchWriter {
    private RetainedBatchWriter() {
    }

    /**
     * The batch {@code original} reduced to {@code retained} (a subset of its records, in order).
     * No records gives an empty batch (header only, uncompressed): kept for a producer's last batch.
     *
     * @param deleteHorizonMs the delete horizon to store, or -1 for none
     */
    public static ByteBuffer write(RecordBatch original, List<Record> retained, long deleteHorizonMs, CompressionCodecs codecs) {
        long baseOffset = original.baseOffset();
        long baseTimestamp = deleteHorizonMs >= 0 ? deleteHorizonMs : original.baseTimestamp();
        ByteBuffer body = encodeRecords(retained, baseOffset, baseTimestamp);
        int codecId = retained.isEmpty() ? 0 : original.compressionId();
        if (codecId != 0) {
            body = compress(body, codecs.forId(codecId));
        }
        int attributes = (original.attributes() & ~RecordBatch.COMPRESSION_MASK & ~RecordBatch.DELETE_HORIZON_MASK)
                | codecId | (deleteHorizonMs >= 0 ? RecordBatch.DELETE_HORIZON_MASK : 0);
        ByteBuffer out = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + body.remaining());
        out.putLong(baseOffset);
        out.putInt(out.capacity() - RecordBatch.LOG_OVERHEAD);
        out.putInt(original.partitionLeaderEpoch());
        out.put(RecordBatch.MAGIC_V2);
        out.putInt(0); // crc, written below
        out.putShort((short) attributes);
        out.putInt(original.lastOffsetDelta());
        out.putLong(baseTimestamp);
        out.putLong(original.maxTimestamp());
        out.putLong(original.producerId());
        out.putShort(original.producerEpoch());
        out.putInt(original.baseSequence());
        out.putInt(retained.size());
        out.put(body);
        out.flip();
        new RecordBatch(out, 0).writeCrc();
        return out;
    }

    private static ByteBuffer encodeRecords(List<Record> records, long baseOffset, long baseTimestamp) {
        int size = 0;
        for (Record record : records) {
            int body = bodySize(record, baseOffset, baseTimestamp);
            size += Varints.sizeOfVarint(body) + body;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (Record record : records) {
            Varints.writeVarint(bodySize(record, baseOffset, baseTimestamp), out);
            out.put((byte) 0);
            Varints.writeVarlong(record.timestamp() - baseTimestamp, out);
            Varints.writeVarint((int) (record.offset() - baseOffset), out);
            writeBytes(record.key(), out);
            writeBytes(record.value(), out);
            Varints.writeVarint(record.headers().size(), out);
            for (Header header : record.headers()) {
                byte[] key = header.key().getBytes(StandardCharsets.UTF_8);
                Varints.writeVarint(key.length, out);
                out.put(key);
                if (header.value() == null) {
                    Varints.writeVarint(-1, out);
                } else {
                    Varints.writeVarint(header.value().length, out);
                    out.put(header.value());
                }
            }
        }
        return out.flip();
    }

    private static int bodySize(Record record, long baseOffset, long baseTimestamp) {
        int size = 1 + Varints.sizeOfVarlong(record.timestamp() - baseTimestamp)
                + Varints.sizeOfVarint((int) (record.offset() - baseOffset))
                + sizeOf(record.key()) + sizeOf(record.value()) + Varints.sizeOfVarint(record.headers().size());
        for (Header header : record.headers()) {
            int keyLength = header.key().getBytes(StandardCharsets.UTF_8).length;
            size += Varints.sizeOfVarint(keyLength) + keyLength
                    + (header.value() == null ? 1 : Varints.sizeOfVarint(header.value().length) + header.value().length);
        }
        return size;
    }

    private static int sizeOf(ByteBuffer bytes) {
        return bytes == null ? 1 : Varints.sizeOfVarint(bytes.remaining()) + bytes.remaining();
    }

    private static void writeBytes(ByteBuffer bytes, ByteBuffer out) {
        if (bytes == null) {
            Varints.writeVarint(-1, out);
        } else {
            Varints.writeVarint(bytes.remaining(), out);
            out.put(bytes.duplicate());
        }
    }

    private static ByteBuffer compress(ByteBuffer raw, CompressionCodec codec) {
        Sink sink = new Sink(Math.max(64, raw.remaining() / 2));
        try (OutputStream out = codec.compress(sink, null)) {
            out.write(raw.array(), raw.arrayOffset() + raw.position(), raw.remaining());
        } catch (IOException e) {
            throw new UncheckedIOException("compression with " + codec.name() + " failed", e);
        }
        return ByteBuffer.wrap(sink.bytes(), 0, sink.size());
    }

    /** A ByteArrayOutputStream whose buffer is wrapped without a copy. */
    private static final class Sink extends java.io.ByteArrayOutputStream {
        Sink(int size) {
            super(size);
        }

        byte[] bytes() {
            return buf;
        }
    }
}

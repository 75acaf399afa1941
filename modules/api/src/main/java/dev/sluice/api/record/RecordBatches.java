package dev.sluice.api.record;

import dev.sluice.api.compression.CompressionCodecs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Walking the batches of a buffer and decoding the records of a batch. */
public final class RecordBatches {
    private RecordBatches() {
    }

    /**
     * Validates every batch in {@code buffer} from its position to its limit (sizes, magic, CRC)
     * and returns how many there are. The bytes must be exactly a sequence of whole batches.
     *
     * @throws InvalidRecordException for the first bad batch
     */
    public static int validateAll(ByteBuffer buffer) {
        RecordBatch batch = new RecordBatch();
        int position = buffer.position();
        int count = 0;
        while (position < buffer.limit()) {
            batch.wrap(buffer, position);
            batch.validate(buffer.limit() - position);
            position += batch.sizeInBytes();
            count++;
        }
        if (count == 0) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "no record batch in request");
        }
        return count;
    }

    /**
     * Size of the whole batches at the front of {@code buffer} (from position), stopping at the
     * first partial batch. Fetch responses may end in a partial batch; this finds where it starts.
     */
    public static int completeBatchesSize(ByteBuffer buffer) {
        int position = buffer.position();
        while (buffer.limit() - position >= LOG_OVERHEAD_PLUS_MAGIC) {
            int length = buffer.getInt(position + RecordBatch.LENGTH_OFFSET);
            long size = (long) length + RecordBatch.LOG_OVERHEAD;
            if (length < 0 || position + size > buffer.limit()) {
                break;
            }
            position += (int) size;
        }
        return position - buffer.position();
    }

    private static final int LOG_OVERHEAD_PLUS_MAGIC = RecordBatch.MAGIC_OFFSET + 1;

    /**
     * Cap on the decompressed records section of one batch. A small batch of zeros can expand
     * enormously; anything beyond this is refused rather than allowed to exhaust the heap.
     */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

    /** Decodes the records of {@code batch}, decompressing with a codec from {@code codecs} if needed. */
    public static List<Record> records(RecordBatch batch, CompressionCodecs codecs) {
        return records(batch, codecs, DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /**
     * Decodes the records of {@code batch}; a compressed section that expands beyond
     * {@code maxDecompressedBytes} is an {@link InvalidRecordException} with reason TOO_LARGE.
     */
    public static List<Record> records(RecordBatch batch, CompressionCodecs codecs, int maxDecompressedBytes) {
        int count = batch.recordCount();
        if (count == 0) {
            return Collections.emptyList();
        }
        ByteBuffer records = batch.slice();
        records.position(RecordBatch.HEADER_SIZE);
        if (batch.compressionId() != 0) {
            records = decompress(records, codecs, batch.compressionId(), maxDecompressedBytes);
        }
        // a record takes at least 7 bytes, which bounds the list before trusting recordCount
        List<Record> out = new ArrayList<>(Math.min(count, records.remaining() / 7 + 1));
        long baseOffset = batch.baseOffset();
        long baseTimestamp = batch.baseTimestamp();
        boolean logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
        long maxTimestamp = batch.maxTimestamp();
        try {
            for (int i = 0; i < count; i++) {
                out.add(readRecord(records, baseOffset, logAppendTime ? -1 : baseTimestamp, logAppendTime ? maxTimestamp : -1));
            }
        } catch (RuntimeException e) {
            if (e instanceof InvalidRecordException) {
                throw e;
            }
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT,
                    "malformed record in batch at offset " + baseOffset + ": " + e);
        }
        return out;
    }

    private static ByteBuffer decompress(ByteBuffer compressed, CompressionCodecs codecs, int codecId, int maxBytes) {
        try (InputStream in = codecs.forId(codecId).decompress(compressed)) {
            byte[] bytes = in.readNBytes(maxBytes);
            if (bytes.length == maxBytes && in.read() != -1) {
                throw new InvalidRecordException(InvalidRecordException.Reason.TOO_LARGE,
                        "batch decompresses to more than " + maxBytes + " bytes");
            }
            return ByteBuffer.wrap(bytes);
        } catch (IOException e) {
            // the bytes came from outside (CRC or not): corrupt input, not an I/O failure
            InvalidRecordException invalid = new InvalidRecordException(InvalidRecordException.Reason.CORRUPT,
                    "cannot decompress batch (codec " + codecId + "): " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    private static Record readRecord(ByteBuffer in, long baseOffset, long baseTimestamp, long logAppendTime) {
        int length = Varints.readVarint(in);
        if (length < 0 || length > in.remaining()) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "record length " + length + " exceeds batch");
        }
        int end = in.position() + length;
        in.get(); // record attributes: unused
        long timestampDelta = Varints.readVarlong(in);
        int offsetDelta = Varints.readVarint(in);
        ByteBuffer key = readBytes(in, end);
        ByteBuffer value = readBytes(in, end);
        int headerCount = Varints.readVarint(in);
        if (headerCount < 0 || headerCount > end - in.position()) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "bad header count " + headerCount);
        }
        List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(headerCount);
        for (int h = 0; h < headerCount; h++) {
            ByteBuffer headerKey = readBytes(in, end);
            if (headerKey == null) {
                throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "null header key");
            }
            ByteBuffer headerValue = readBytes(in, end);
            byte[] valueBytes = null;
            if (headerValue != null) {
                valueBytes = new byte[headerValue.remaining()];
                headerValue.get(valueBytes);
            }
            headers.add(new Header(StandardCharsets.UTF_8.decode(headerKey).toString(), valueBytes));
        }
        if (in.position() != end) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "record length does not match its fields");
        }
        long timestamp = logAppendTime >= 0 ? logAppendTime : baseTimestamp + timestampDelta;
        return new Record(baseOffset + offsetDelta, timestamp, key, value, headers);
    }

    private static ByteBuffer readBytes(ByteBuffer in, int end) {
        int size = Varints.readVarint(in);
        if (size < 0) {
            return null;
        }
        if (size > end - in.position()) {
            throw new InvalidRecordException(InvalidRecordException.Reason.CORRUPT, "field length " + size + " exceeds record");
        }
        ByteBuffer slice = in.slice();
        slice.limit(size);
        in.position(in.position() + size);
        return slice.asReadOnlyBuffer();
    }
}

package dev.sluice.storage.file.segment;

import dev.sluice.api.record.RecordBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the fixed header of the batch at a file position into a small buffer it reuses, so
 * walking a segment batch by batch costs one positional read per batch and no allocation. The
 * header is exposed through a {@link RecordBatch} flyweight: only header fields may be read from
 * it (no CRC, no records). Not thread-safe: each reader (or the writer) uses its own.
 */
public final class BatchHeaderReader {
    private final ByteBuffer header = ByteBuffer.allocate(RecordBatch.HEADER_SIZE);
    private final RecordBatch batch = new RecordBatch(header, 0);

    /**
     * Reads the header of the batch at {@code position}, where the segment's valid data ends at
     * {@code end}. Returns false if no whole, plausible batch starts there: fewer than a header's
     * bytes left, or a length that is too small or runs past {@code end} (a torn write).
     */
    public boolean readAt(FileChannel channel, int position, int end) throws IOException {
        if (end - position < RecordBatch.HEADER_SIZE) {
            return false;
        }
        header.clear();
        while (header.hasRemaining()) {
            int n = channel.read(header, position + header.position());
            if (n < 0) {
                return false;
            }
        }
        int length = batch.batchLength();
        return length >= RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD
                && (long) position + RecordBatch.LOG_OVERHEAD + length <= end;
    }

    /** The header just read. */
    public RecordBatch batch() {
        return batch;
    }
}

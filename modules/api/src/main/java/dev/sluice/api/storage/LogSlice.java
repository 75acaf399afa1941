package dev.sluice.api.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A contiguous run of whole record batches read from a log, ready to be sent. A file-backed
 * slice sends with {@link java.nio.channels.FileChannel#transferTo} (no copy through the heap);
 * other backends send from a buffer. A slice stays readable after later appends; it may become
 * unreadable once the segment it points into is deleted by retention (for
 * the file backend: {@code file.delete.delay.ms} after the deletion, so sends already under way finish).
 */
public interface LogSlice {

    /** An empty slice. */
    LogSlice EMPTY = new LogSlice() {
        @Override
        public int sizeInBytes() {
            return 0;
        }

        @Override
        public long transferTo(WritableByteChannel target, long position, long count) {
            return 0;
        }

        @Override
        public ByteBuffer toBuffer() {
            return ByteBuffer.allocate(0);
        }
    };

    int sizeInBytes();

    /**
     * Writes up to {@code count} bytes starting {@code position} bytes into the slice; returns how
     * many were written (fewer if the channel is non-blocking and full).
     */
    long transferTo(WritableByteChannel target, long position, long count) throws IOException;

    /**
     * The bytes as a heap buffer from position 0: for callers that must look inside (tests, rebuilding
     * state from the log, copying it to another directory). A slice already holding its bytes on the
     * heap hands over that buffer instead of copying it again, so the caller owns it from then on and
     * uses it instead of the slice.
     */
    ByteBuffer toBuffer() throws IOException;
}

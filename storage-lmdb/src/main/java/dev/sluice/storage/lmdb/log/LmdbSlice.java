package dev.sluice.storage.lmdb.log;

import dev.sluice.api.storage.LogSlice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Whole batches copied out of LMDB. LMDB's memory is valid only inside the read transaction, and
 * a slice outlives it (it is sent later, possibly after the pages were reused), so a read copies
 * its batches once into one heap buffer sized exactly for them; nothing else is allocated per
 * batch. Unlike a file slice it stays readable after retention or truncation.
 */
final class LmdbSlice implements LogSlice {
    private final ByteBuffer bytes;

    LmdbSlice(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    @Override
    public int sizeInBytes() {
        return bytes.limit();
    }

    @Override
    public long transferTo(WritableByteChannel target, long position, long count) throws IOException {
        int size = bytes.limit();
        if (position < 0 || position > size || count < 0) {
            throw new IllegalArgumentException("position " + position + " / count " + count + " outside slice of " + size);
        }
        int end = (int) Math.min(size, position + count);
        return target.write(bytes.duplicate().position((int) position).limit(end));
    }

    /** The read's own copy (no second one): a log-dir move, a producer-state rebuild or a replay read each chunk once. */
    @Override
    public ByteBuffer toBuffer() {
        return bytes.duplicate().position(0);
    }

    @Override
    public String toString() {
        return "LmdbSlice(" + bytes.limit() + " bytes)";
    }
}

package dev.sluice.compression;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream over data decoded one block at a time (LZ4 frame blocks, snappy chunks): it
 * serves the current block's bytes {@code [blockPosition, blockLimit)} and asks the subclass to
 * decode the next block once they are used up.
 *
 * <p>Threads: one reading thread at a time, as any {@code InputStream}.
 */
public abstract class DecodedBlockInputStream extends InputStream {
    /** The decoded bytes of the current block; subclasses set it (and may replace it with a larger array). */
    protected byte[] block = new byte[0];
    /** The next byte of {@link #block} to serve. */
    protected int blockPosition;
    /** The end of the decoded bytes in {@link #block}. */
    protected int blockLimit;

    /**
     * Decodes blocks until one has bytes left to serve.
     *
     * @return false at the end of the stream
     * @throws IOException if the stream is closed or its input is corrupt or truncated
     */
    protected abstract boolean ensureBlock() throws IOException;

    @Override
    public int read() throws IOException {
        if (!ensureBlock()) {
            return -1;
        }
        return block[blockPosition++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!ensureBlock()) {
            return -1;
        }
        int n = Math.min(len, blockLimit - blockPosition);
        System.arraycopy(block, blockPosition, b, off, n);
        blockPosition += n;
        return n;
    }

    @Override
    public int available() {
        return blockLimit - blockPosition;
    }
}

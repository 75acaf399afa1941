package dev.sluice.compression.snappy;

import dev.sluice.compression.DecodedBlockInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Reads snappy-java's stream framing with every length checked against the input before anything
 * is allocated. The format, as written by {@code SnappyOutputStream}:
 *
 * <pre>
 * header: magic "\x82SNAPPY\0" (8) | version: int32 BE | compatible version: int32 BE
 * chunks: length: int32 BE | raw snappy block of that length  (repeated)
 * </pre>
 *
 * A header may reappear between chunks (streams concatenated) and is skipped. Input that does not
 * start with the magic is read as one raw snappy block, as snappy-java does.
 */
final class XerialSnappyInputStream extends DecodedBlockInputStream {
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_SIZE = MAGIC.length + 8;
    private static final int MIN_COMPATIBLE_VERSION = 1;
    /**
     * Snappy's best case is a 3-byte copy op producing 64 bytes, so a block can never expand by
     * more than 64/3; a larger declared size is a lie and is refused before allocating.
     */
    private static final int MAX_EXPANSION = 22;
    private static final byte[] EMPTY = new byte[0];

    private final ByteBuffer in;
    private final boolean framed;
    private byte[] compressedCopy;
    private boolean closed;

    XerialSnappyInputStream(ByteBuffer compressed) throws IOException {
        this.in = compressed.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.framed = startsWithMagic();
        if (framed) {
            skipHeader();
        } else if (in.hasRemaining()) {
            inflate(in.position(), in.remaining());
            in.position(in.limit());
        }
    }

    @Override
    public void close() {
        closed = true;
        block = EMPTY;
        blockPosition = blockLimit = 0;
    }

    /** @return false at the end of the stream */
    @Override
    protected boolean ensureBlock() throws IOException {
        if (closed) {
            throw new IOException("snappy stream is closed");
        }
        while (blockPosition == blockLimit) {
            if (!framed || !in.hasRemaining()) {
                return false;
            }
            if (startsWithMagic()) {
                skipHeader();
                continue;
            }
            if (in.remaining() < Integer.BYTES) {
                throw new EOFException("snappy stream truncated: " + in.remaining() + " bytes where a chunk length belongs");
            }
            int length = in.getInt();
            if (length <= 0 || length > in.remaining()) {
                throw new IOException("corrupt snappy stream: chunk length " + length + " but "
                        + in.remaining() + " bytes remain");
            }
            inflate(in.position(), length);
            in.position(in.position() + length);
        }
        return true;
    }

    private boolean startsWithMagic() {
        if (in.remaining() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.get(in.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private void skipHeader() throws IOException {
        if (in.remaining() < HEADER_SIZE) {
            throw new EOFException("snappy stream truncated inside its " + HEADER_SIZE + "-byte header");
        }
        in.position(in.position() + MAGIC.length);
        int version = in.getInt();
        int compatibleVersion = in.getInt();
        if (version < MIN_COMPATIBLE_VERSION) {
            throw new IOException("unsupported snappy stream version " + version
                    + " (compatible version " + compatibleVersion + ")");
        }
    }

    /** Decompresses the raw snappy block at absolute index {@code offset} into {@link #block}. */
    private void inflate(int offset, int length) throws IOException {
        byte[] source;
        int sourceOffset;
        if (in.hasArray()) {
            source = in.array();
            sourceOffset = in.arrayOffset() + offset;
        } else {
            // snappy-java's array API cannot read direct memory: copy the block (rare; heap input is the norm)
            if (compressedCopy == null || compressedCopy.length < length) {
                compressedCopy = new byte[length];
            }
            in.get(offset, compressedCopy, 0, length);
            source = compressedCopy;
            sourceOffset = 0;
        }
        try {
            int declared = Snappy.uncompressedLength(source, sourceOffset, length);
            if (declared < 0 || declared > (long) length * MAX_EXPANSION) {
                throw new IOException("corrupt snappy block: " + length + " bytes claim to expand to " + declared);
            }
            if (block.length < declared) {
                block = new byte[declared];
            }
            // snappy-java does not check the output array's size itself: the check above protects it
            blockLimit = Snappy.uncompress(source, sourceOffset, length, block, 0);
            blockPosition = 0;
        } catch (SnappyError e) {
            throw new IOException("corrupt snappy block: " + e.getMessage(), e);
        }
    }
}

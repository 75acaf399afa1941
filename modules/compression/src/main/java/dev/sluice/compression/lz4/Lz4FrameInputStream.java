package dev.sluice.compression.lz4;

import dev.sluice.compression.DecodedBlockInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Reads one LZ4 frame from a buffer, one block at a time. Every size word is checked against the
 * frame's max block size (at most 4 MiB) and the bytes left before anything is copied or decoded,
 * and blocks are decoded with lz4-java's bounds-checking decompressor, so hostile input ends in an
 * IOException. Block and content checksums and the content size are verified when the frame has
 * them (Kafka's writer sets none; liblz4-based clients may). Bytes after the end mark are ignored,
 * as Kafka ignores them.
 */
public final class Lz4FrameInputStream extends DecodedBlockInputStream {
    private static final LZ4SafeDecompressor DECOMPRESSOR =
            net.jpountz.lz4.LZ4Factory.fastestInstance().safeDecompressor();

    private final ByteBuffer in;
    private final Lz4FrameDescriptor descriptor;
    private final ByteBuffer blockBuffer;
    private final StreamingXXHash32 contentHash;
    private long decompressedTotal;
    private boolean finished;
    private boolean closed;

    public Lz4FrameInputStream(ByteBuffer compressed) throws IOException {
        this.in = compressed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.descriptor = Lz4FrameDescriptor.read(in);
        this.block = new byte[descriptor.maxBlockSize()];
        this.blockBuffer = ByteBuffer.wrap(block);
        this.contentHash = descriptor.contentChecksum() ? XXHashFactory.fastestInstance().newStreamingHash32(0) : null;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (contentHash != null) {
                contentHash.close();
            }
        }
    }

    /** @return false at the end of the frame */
    @Override
    protected boolean ensureBlock() throws IOException {
        if (closed) {
            throw new IOException("LZ4 frame stream is closed");
        }
        while (blockPosition == blockLimit) {
            if (finished) {
                return false;
            }
            readBlock();
        }
        return true;
    }

    private void readBlock() throws IOException {
        int word = readWord("block size");
        if (word == Lz4FrameDescriptor.END_MARK) {
            finish();
            return;
        }
        boolean stored = (word & Lz4FrameDescriptor.UNCOMPRESSED_FLAG) != 0;
        int size = word & ~Lz4FrameDescriptor.UNCOMPRESSED_FLAG;
        if (size > block.length) {
            throw new IOException("corrupt LZ4 frame: block of " + size + " bytes exceeds the frame's max block size "
                    + block.length);
        }
        int trailer = descriptor.blockChecksum() ? Integer.BYTES : 0;
        if (size + trailer > in.remaining()) {
            throw new EOFException("LZ4 frame truncated: block of " + size + " bytes but " + in.remaining() + " remain");
        }
        int start = in.position();
        if (descriptor.blockChecksum()) {
            int expected = in.getInt(start + size);
            int actual = Lz4FrameDescriptor.XXHASH.hash(in, start, size, 0);
            if (expected != actual) {
                throw new IOException("LZ4 block checksum mismatch");
            }
        }
        blockLimit = stored ? copy(start, size) : decompress(start, size);
        blockPosition = 0;
        in.position(start + size + trailer);
        decompressedTotal += blockLimit;
        if (contentHash != null) {
            contentHash.update(block, 0, blockLimit);
        }
    }

    private int copy(int start, int size) {
        in.get(start, block, 0, size);
        return size;
    }

    private int decompress(int start, int size) throws IOException {
        try {
            return DECOMPRESSOR.decompress(in, start, size, blockBuffer, 0, block.length);
        } catch (LZ4Exception e) {
            throw new IOException("corrupt LZ4 block: " + e.getMessage(), e);
        }
    }

    private void finish() throws IOException {
        finished = true;
        if (contentHash != null) {
            int expected = readWord("content checksum");
            if (expected != contentHash.getValue()) {
                throw new IOException("LZ4 frame content checksum mismatch");
            }
        }
        if (descriptor.contentSize() >= 0 && descriptor.contentSize() != decompressedTotal) {
            throw new IOException("LZ4 frame declares " + descriptor.contentSize() + " bytes of content but holds "
                    + decompressedTotal);
        }
    }

    private int readWord(String what) throws EOFException {
        if (in.remaining() < Integer.BYTES) {
            throw new EOFException("LZ4 frame truncated: " + in.remaining() + " bytes where the " + what + " belongs");
        }
        return in.getInt();
    }
}

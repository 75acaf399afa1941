package dev.sluice.compression.lz4;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import net.jpountz.lz4.LZ4Compressor;

/**
 * Writes one LZ4 frame the way Kafka's Lz4BlockOutputStream does for magic 2: the header of
 * {@link Lz4FrameDescriptor#KAFKA} (with the header checksum computed over FLG and BD only, i.e.
 * correctly), 64 KiB independent blocks, a block stored raw when compression would not shrink it,
 * and the end mark. No checksums, no content size.
 *
 * <p>{@link #flush()} ends the current block early, as Kafka's does. Closing writes the end mark
 * and closes the underlying stream.
 */
public final class Lz4FrameOutputStream extends OutputStream {
    private final OutputStream out;
    private final LZ4Compressor compressor;
    private final byte[] block;
    private final byte[] compressed;
    private final ByteBuffer word = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private int blockLength;
    private boolean closed;

    public Lz4FrameOutputStream(OutputStream out, LZ4Compressor compressor) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        this.compressor = Objects.requireNonNull(compressor, "compressor");
        Lz4FrameDescriptor descriptor = Lz4FrameDescriptor.KAFKA;
        this.block = new byte[descriptor.maxBlockSize()];
        this.compressed = new byte[compressor.maxCompressedLength(block.length)];
        ByteBuffer header = ByteBuffer.allocate(descriptor.headerSize()).order(ByteOrder.LITTLE_ENDIAN);
        descriptor.write(header);
        out.write(header.array(), 0, header.position());
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (blockLength == block.length) {
            writeBlock();
        }
        block[blockLength++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (blockLength == block.length) {
                writeBlock();
            }
            int n = Math.min(len, block.length - blockLength);
            System.arraycopy(b, off, block, blockLength, n);
            blockLength += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        writeBlock();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (out) {
            writeBlock();
            writeWord(Lz4FrameDescriptor.END_MARK);
            out.flush();
        }
    }

    private void writeBlock() throws IOException {
        if (blockLength == 0) {
            return;
        }
        int size = compressor.compress(block, 0, blockLength, compressed, 0);
        if (size >= blockLength) {
            writeWord(blockLength | Lz4FrameDescriptor.UNCOMPRESSED_FLAG);
            out.write(block, 0, blockLength);
        } else {
            writeWord(size);
            out.write(compressed, 0, size);
        }
        blockLength = 0;
    }

    private void writeWord(int value) throws IOException {
        word.putInt(0, value);
        out.write(word.array(), 0, Integer.BYTES);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("LZ4 frame stream is closed");
        }
    }
}

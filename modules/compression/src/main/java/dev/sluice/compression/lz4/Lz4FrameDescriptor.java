package dev.sluice.compression.lz4;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The header of an LZ4 frame (lz4 frame format 1.6): magic, FLG and BD bytes, an optional content
 * size and the header checksum. Only what Kafka can use is accepted: version 1, independent blocks,
 * no dictionary.
 *
 * <pre>
 * magic 0x184D2204 (LE) | FLG | BD | [content size: uint64 LE] | HC
 * FLG: version(7-6)=01 | block independence(5) | block checksum(4) | content size(3) | content checksum(2) | reserved(1) | dict id(0)
 * BD:  reserved(7) | block max size id(6-4): 4=64 KiB, 5=256 KiB, 6=1 MiB, 7=4 MiB | reserved(3-0)
 * HC:  (xxHash32(FLG .. end of content size, seed 0) >> 8) & 0xFF
 * </pre>
 *
 * @param blockChecksum   every block is followed by the xxHash32 of its stored bytes
 * @param contentChecksum the end mark is followed by the xxHash32 of all decompressed bytes
 * @param contentSize     decompressed size declared by the writer, or -1 when absent
 * @param blockSizeId     BD's block max size id, 4-7
 */
record Lz4FrameDescriptor(boolean blockChecksum, boolean contentChecksum, long contentSize, int blockSizeId) {
    static final int MAGIC = 0x184D2204;
    /** An all-zero block size word ends the blocks. */
    static final int END_MARK = 0;
    /** Set in a block's size word when its bytes are stored uncompressed. */
    static final int UNCOMPRESSED_FLAG = 0x80000000;
    static final int BLOCK_SIZE_64KB = 4;

    /** What Kafka's Lz4BlockOutputStream writes: 64 KiB independent blocks, no checksums, no size. */
    static final Lz4FrameDescriptor KAFKA = new Lz4FrameDescriptor(false, false, -1, BLOCK_SIZE_64KB);

    static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    private static final int VERSION = 1;
    private static final int FLG_BLOCK_INDEPENDENCE = 1 << 5;
    private static final int FLG_BLOCK_CHECKSUM = 1 << 4;
    private static final int FLG_CONTENT_SIZE = 1 << 3;
    private static final int FLG_CONTENT_CHECKSUM = 1 << 2;
    private static final int FLG_RESERVED = 1 << 1;
    private static final int FLG_DICT_ID = 1;
    private static final int BD_RESERVED = 0x8F;
    private static final int MIN_HEADER_SIZE = 7;

    /** Largest number of decompressed bytes one block may hold. */
    int maxBlockSize() {
        return 1 << (8 + 2 * blockSizeId);
    }

    /** Writes the whole frame header into {@code out} (little-endian order expected). */
    void write(ByteBuffer out) {
        out.putInt(MAGIC);
        int descriptorStart = out.position();
        out.put((byte) flg());
        out.put((byte) (blockSizeId << 4));
        if (contentSize >= 0) {
            out.putLong(contentSize);
        }
        out.put(headerChecksum(out, descriptorStart, out.position() - descriptorStart));
    }

    int headerSize() {
        return MIN_HEADER_SIZE + (contentSize >= 0 ? Long.BYTES : 0);
    }

    private int flg() {
        return VERSION << 6 | FLG_BLOCK_INDEPENDENCE
                | (blockChecksum ? FLG_BLOCK_CHECKSUM : 0)
                | (contentSize >= 0 ? FLG_CONTENT_SIZE : 0)
                | (contentChecksum ? FLG_CONTENT_CHECKSUM : 0);
    }

    /**
     * Reads and checks a frame header at {@code in}'s position (which must be little-endian) and
     * leaves the position after it.
     */
    static Lz4FrameDescriptor read(ByteBuffer in) throws IOException {
        if (in.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("LZ4 frames are little-endian");
        }
        if (in.remaining() < MIN_HEADER_SIZE) {
            throw new EOFException("LZ4 frame truncated: " + in.remaining() + " bytes, the header needs " + MIN_HEADER_SIZE);
        }
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw new IOException("not an LZ4 frame: magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC));
        }
        int descriptorStart = in.position();
        int flg = in.get() & 0xFF;
        int bd = in.get() & 0xFF;
        checkFlags(flg, bd);
        long contentSize = -1;
        if ((flg & FLG_CONTENT_SIZE) != 0) {
            if (in.remaining() < Long.BYTES + 1) {
                throw new EOFException("LZ4 frame truncated inside its content size field");
            }
            contentSize = in.getLong();
            if (contentSize < 0) {
                throw new IOException("LZ4 frame declares an impossible content size " + Long.toUnsignedString(contentSize));
            }
        }
        byte expected = headerChecksum(in, descriptorStart, in.position() - descriptorStart);
        byte stored = in.get();
        if (stored != expected) {
            throw new IOException("LZ4 frame header checksum mismatch: stored 0x" + Integer.toHexString(stored & 0xFF)
                    + ", computed 0x" + Integer.toHexString(expected & 0xFF));
        }
        return new Lz4FrameDescriptor((flg & FLG_BLOCK_CHECKSUM) != 0, (flg & FLG_CONTENT_CHECKSUM) != 0,
                contentSize, (bd >> 4) & 0x7);
    }

    private static void checkFlags(int flg, int bd) throws IOException {
        int version = flg >>> 6;
        if (version != VERSION) {
            throw new IOException("unsupported LZ4 frame version " + version);
        }
        if ((flg & FLG_RESERVED) != 0 || (bd & BD_RESERVED) != 0) {
            throw new IOException("corrupt LZ4 frame header: reserved bits set (FLG 0x"
                    + Integer.toHexString(flg) + ", BD 0x" + Integer.toHexString(bd) + ")");
        }
        if ((flg & FLG_DICT_ID) != 0) {
            throw new IOException("LZ4 frames with a dictionary are not supported");
        }
        if ((flg & FLG_BLOCK_INDEPENDENCE) == 0) {
            // Kafka decodes every block on its own, so no Kafka client writes linked blocks
            throw new IOException("LZ4 frames with linked (dependent) blocks are not supported");
        }
        int blockSizeId = (bd >> 4) & 0x7;
        if (blockSizeId < BLOCK_SIZE_64KB) {
            throw new IOException("corrupt LZ4 frame header: block max size id " + blockSizeId + " (valid: 4-7)");
        }
    }

    /** The second byte of xxHash32 over the descriptor, as the frame format defines HC. */
    private static byte headerChecksum(ByteBuffer buffer, int offset, int length) {
        return (byte) ((XXHASH.hash(buffer, offset, length, 0) >> 8) & 0xFF);
    }
}

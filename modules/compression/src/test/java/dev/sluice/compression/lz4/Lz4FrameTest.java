package dev.sluice.compression.lz4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;

/** The frame format details: header fields and checksum, block bounds, optional checksums and size. */
class Lz4FrameTest {
    private static final byte[] TEXT = text(300_000);

    @Test
    void writesKafkasMagicTwoHeader() throws IOException {
        byte[] frame = ourFrame(new byte[0]);
        // magic (LE), FLG = version 1 + independent blocks, BD = 64 KiB, HC, then the end mark
        int hc = (XXHashFactory.fastestInstance().hash32().hash(new byte[] {0x60, 0x40}, 0, 2, 0) >> 8) & 0xFF;
        assertThat(frame).containsExactly(0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, (byte) hc, 0, 0, 0, 0);
    }

    @Test
    void splitsInto64KiBBlocksAndStoresIncompressibleOnesRaw() throws IOException {
        byte[] random = new byte[150_000];
        new Random(1).nextBytes(random);
        ByteBuffer frame = ByteBuffer.wrap(ourFrame(random)).order(ByteOrder.LITTLE_ENDIAN);
        frame.position(7);
        int[] expected = {65_536, 65_536, 150_000 - 2 * 65_536};
        for (int size : expected) {
            int word = frame.getInt();
            assertThat(word & Lz4FrameDescriptor.UNCOMPRESSED_FLAG).isNotZero();
            assertThat(word & ~Lz4FrameDescriptor.UNCOMPRESSED_FLAG).isEqualTo(size);
            frame.position(frame.position() + size);
        }
        assertThat(frame.getInt()).isEqualTo(Lz4FrameDescriptor.END_MARK);
        assertThat(frame.hasRemaining()).isFalse();
    }

    @Test
    void readsFramesWithBlockAndContentChecksumsContentSizeAndLargerBlocks() throws IOException {
        for (BLOCKSIZE blockSize : BLOCKSIZE.values()) {
            byte[] frame = lz4JavaFrame(TEXT, blockSize, Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM,
                    Bits.CONTENT_CHECKSUM, Bits.CONTENT_SIZE);
            assertThat(read(frame)).as(blockSize.toString()).isEqualTo(TEXT);
        }
    }

    @Test
    void wrongContentChecksumIsRefused() throws IOException {
        byte[] frame = lz4JavaFrame(TEXT, BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM);
        frame[frame.length - 1] ^= 1;
        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("content checksum");
    }

    @Test
    void wrongBlockChecksumIsRefused() throws IOException {
        byte[] frame = lz4JavaFrame(TEXT, BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM);
        frame[20] ^= 1;
        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("block checksum");
    }

    @Test
    void contentSizeThatDoesNotMatchIsRefused() throws IOException {
        byte[] frame = lz4JavaFrame(TEXT, BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_SIZE);
        ByteBuffer header = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(6, TEXT.length + 1L);
        frame[14] = headerChecksum(frame, 4, 10);
        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class)
                .hasMessageContaining("declares " + (TEXT.length + 1) + " bytes");
    }

    @Test
    void dependentBlocksAreRefused() throws IOException {
        byte[] frame = ourFrame(TEXT);
        frame[4] &= ~0x20; // clear block independence
        frame[6] = headerChecksum(frame, 4, 2);
        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("dependent");
    }

    @Test
    void headerChecksumIsVerifiedAndKafkasBrokenMagicZeroVariantIsRefused() throws IOException {
        byte[] frame = ourFrame(TEXT);
        frame[6] ^= 0x55;
        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("header checksum");
        // the magic-0 bug hashed the magic bytes too
        frame[6] = headerChecksum(frame, 0, 6);
        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("header checksum");
    }

    @Test
    void blockLargerThanTheFrameMaximumIsRefusedBeforeDecoding() throws IOException {
        byte[] header = ourFrame(new byte[0]);
        ByteBuffer frame = ByteBuffer.allocate(7 + 4 + 100).order(ByteOrder.LITTLE_ENDIAN);
        frame.put(header, 0, 7).putInt(65_537).flip();
        assertThatThrownBy(() -> read(frame.array()))
                .isInstanceOf(IOException.class).hasMessageContaining("exceeds the frame's max block size 65536");
        frame.putInt(7, 0x7FFF_FFFF | Lz4FrameDescriptor.UNCOMPRESSED_FLAG);
        assertThatThrownBy(() -> read(frame.array()))
                .isInstanceOf(IOException.class).hasMessageContaining("exceeds the frame's max block size");
    }

    @Test
    void reservedBitsAndOtherMagicsAreRefused() throws IOException {
        byte[] frame = ourFrame(TEXT);
        frame[5] |= 0x01; // BD reserved bit
        frame[6] = headerChecksum(frame, 4, 2);
        assertThatThrownBy(() -> read(frame)).isInstanceOf(IOException.class).hasMessageContaining("reserved bits");
        byte[] skippable = {0x50, 0x2A, 0x4D, 0x18, 0, 0, 0, 0};
        assertThatThrownBy(() -> read(skippable)).isInstanceOf(IOException.class);
    }

    @Test
    void flushEndsTheBlockEarlyAndStaysReadable() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new Lz4FrameOutputStream(sink, Lz4Codec.compressor(9))) {
            out.write(TEXT, 0, 1000);
            out.flush();
            out.write(TEXT, 1000, TEXT.length - 1000);
        }
        assertThat(read(sink.toByteArray())).isEqualTo(TEXT);
    }

    @Test
    void closedStreamsRefuseUse() throws IOException {
        OutputStream out = new Lz4FrameOutputStream(new ByteArrayOutputStream(), Lz4Codec.compressor(9));
        out.close();
        out.close(); // idempotent
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
        InputStream in = new Lz4FrameInputStream(ByteBuffer.wrap(ourFrame(TEXT)));
        in.close();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }

    private static byte[] ourFrame(byte[] data) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new Lz4Codec().compress(sink, null)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    private static byte[] lz4JavaFrame(byte[] data, BLOCKSIZE blockSize, Bits... bits) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long knownSize = java.util.Arrays.asList(bits).contains(Bits.CONTENT_SIZE) ? data.length : 0;
        try (OutputStream out = new LZ4FrameOutputStream(sink, blockSize, knownSize, bits)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    private static byte[] read(byte[] frame) throws IOException {
        try (InputStream in = new Lz4FrameInputStream(ByteBuffer.wrap(frame))) {
            return in.readAllBytes();
        }
    }

    private static byte headerChecksum(byte[] bytes, int offset, int length) {
        return (byte) (XXHashFactory.fastestInstance().hash32().hash(bytes, offset, length, 0) >> 8);
    }

    private static byte[] text(int size) {
        StringBuilder text = new StringBuilder();
        Random random = new Random(5);
        while (text.length() < size) {
            text.append("lz4 frame ").append(random.nextInt(5000)).append(' ');
        }
        return text.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

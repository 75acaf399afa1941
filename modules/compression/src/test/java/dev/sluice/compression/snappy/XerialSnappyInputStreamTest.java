package dev.sluice.compression.snappy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyInputStream;

/** The bounded xerial reader: what snappy-java's own reader accepts, and what it must refuse early. */
class XerialSnappyInputStreamTest {
    private static final byte[] TEXT = "snappy chunk ".repeat(20_000).getBytes(StandardCharsets.US_ASCII);

    @Test
    void readsMultiChunkStreamsLikeSnappyJava() throws IOException {
        byte[] framed = framed(TEXT);
        assertThat(read(framed)).isEqualTo(TEXT);
        try (InputStream theirs = new SnappyInputStream(new java.io.ByteArrayInputStream(framed))) {
            assertThat(theirs.readAllBytes()).isEqualTo(TEXT);
        }
    }

    @Test
    void readsConcatenatedStreams() throws IOException {
        byte[] first = framed(TEXT);
        byte[] second = framed("tail".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer both = ByteBuffer.allocate(first.length + second.length).put(first).put(second);
        assertThat(read(both.array())).isEqualTo((new String(TEXT, StandardCharsets.US_ASCII) + "tail")
                .getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readsAnUnframedRawBlockAsSnappyJavaDoes() throws IOException {
        assertThat(read(Snappy.compress(TEXT))).isEqualTo(TEXT);
    }

    @Test
    void lyingChunkLengthIsRefusedWithoutAllocatingIt() throws IOException {
        byte[] framed = framed(TEXT);
        ByteBuffer.wrap(framed).putInt(16, Integer.MAX_VALUE);
        assertThatThrownBy(() -> read(framed)).isInstanceOf(IOException.class)
                .hasMessageContaining("chunk length " + Integer.MAX_VALUE);
        ByteBuffer.wrap(framed).putInt(16, -5);
        assertThatThrownBy(() -> read(framed)).isInstanceOf(IOException.class).hasMessageContaining("chunk length -5");
    }

    @Test
    void lyingUncompressedLengthIsRefusedWithoutAllocatingIt() {
        // header, one 6-byte chunk whose varint preamble claims 2^31 - 1 bytes
        ByteBuffer framed = ByteBuffer.allocate(16 + 4 + 6);
        framed.put(new byte[] {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0}).putInt(1).putInt(1);
        framed.putInt(6).put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0});
        assertThatThrownBy(() -> read(framed.array())).isInstanceOf(IOException.class)
                .hasMessageContaining("claim to expand to " + Integer.MAX_VALUE);
    }

    @Test
    void headerCutShortIsRefused() throws IOException {
        byte[] header = java.util.Arrays.copyOf(framed(TEXT), 12);
        assertThatThrownBy(() -> read(header)).isInstanceOf(IOException.class).hasMessageContaining("header");
    }

    @Test
    void readsFromDirectBuffers() throws IOException {
        byte[] framed = framed(TEXT);
        ByteBuffer direct = ByteBuffer.allocateDirect(framed.length).put(framed).flip();
        try (InputStream in = new XerialSnappyInputStream(direct)) {
            assertThat(in.readAllBytes()).isEqualTo(TEXT);
        }
    }

    private static byte[] framed(byte[] data) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = new SnappyCodec().compress(sink, null)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    private static byte[] read(byte[] compressed) throws IOException {
        try (InputStream in = new XerialSnappyInputStream(ByteBuffer.wrap(compressed))) {
            return in.readAllBytes();
        }
    }
}

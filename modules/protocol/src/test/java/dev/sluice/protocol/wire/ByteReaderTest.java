package dev.sluice.protocol.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Strings read the same from heap and direct buffers (the broker reads requests from pooled direct frames). */
class ByteReaderTest {

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length + 3).put(new byte[] {9, 9, 9}).put(bytes).flip().position(3);
    }

    @Test
    void utf8FromADirectBufferMatchesTheHeapPathAtEveryLength() {
        for (String s : new String[] {"", "topic-1", "grüße-✓-\uD83D\uDE00", "x".repeat(256), "y".repeat(257), "é".repeat(3000)}) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            byte[] twice = ByteBuffer.allocate(utf8.length * 2).put(utf8).put(utf8).array();
            ByteReader heap = new ByteReader(ByteBuffer.wrap(twice));
            ByteReader off = new ByteReader(direct(twice));
            for (int i = 0; i < 2; i++) {
                assertThat(heap.utf8(utf8.length)).isEqualTo(s);
                assertThat(off.utf8(utf8.length)).as("direct, %d bytes, string %d", utf8.length, i).isEqualTo(s);
            }
            assertThat(off.remaining()).isZero();
        }
    }

    @Test
    void malformedUtf8BecomesReplacementCharactersFromDirectBuffersToo() {
        byte[] bad = {'a', (byte) 0xC3, 'b'};
        assertThat(new ByteReader(direct(bad)).utf8(3)).isEqualTo(new ByteReader(ByteBuffer.wrap(bad)).utf8(3))
                .isEqualTo("a\uFFFDb");
    }
}

package dev.sluice.api.record;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VarintsTest {
    @Test
    void roundTripsEdgeValues() {
        int[] ints = {0, 1, -1, 63, -64, 64, 300, Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (int v : ints) {
            ByteBuffer b = ByteBuffer.allocate(10);
            Varints.writeVarint(v, b);
            assertThat(b.position()).isEqualTo(Varints.sizeOfVarint(v));
            b.flip();
            assertThat(Varints.readVarint(b)).isEqualTo(v);
        }
        long[] longs = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
        for (long v : longs) {
            ByteBuffer b = ByteBuffer.allocate(10);
            Varints.writeVarlong(v, b);
            assertThat(b.position()).isEqualTo(Varints.sizeOfVarlong(v));
            b.flip();
            assertThat(Varints.readVarlong(b)).isEqualTo(v);
        }
    }

    @Test
    void zigZagMatchesProtobufEncoding() {
        ByteBuffer b = ByteBuffer.allocate(10);
        Varints.writeVarint(-1, b);
        Varints.writeVarint(1, b);
        Varints.writeVarint(150, b);
        b.flip();
        assertThat(b.get()).isEqualTo((byte) 1);
        assertThat(b.get()).isEqualTo((byte) 2);
        assertThat(b.get()).isEqualTo((byte) 0xAC);
        assertThat(b.get()).isEqualTo((byte) 0x02);
    }

    @Test
    void overlongVarintIsRejected() {
        ByteBuffer b = ByteBuffer.wrap(new byte[]{(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1});
        assertThatThrownBy(() -> Varints.readVarint(b)).isInstanceOf(InvalidRecordException.class);
    }
}

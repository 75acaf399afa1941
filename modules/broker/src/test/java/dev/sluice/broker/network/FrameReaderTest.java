package dev.sluice.broker.network;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameReaderTest {

    /** A non-blocking channel handing out pre-arranged chunks, then "nothing yet" (0) or EOF (-1). */
    private static final class ChunkedChannel implements ReadableByteChannel {
        final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
        boolean eof;

        ChunkedChannel add(byte... bytes) {
            chunks.add(ByteBuffer.wrap(bytes));
            return this;
        }

        @Override
        public int read(ByteBuffer dst) {
            ByteBuffer next = chunks.peek();
            if (next == null) {
                return eof ? -1 : 0;
            }
            int n = Math.min(dst.remaining(), next.remaining());
            dst.put(next.slice().limit(n));
            next.position(next.position() + n);
            if (!next.hasRemaining()) {
                chunks.poll();
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] sizeOf(int size) {
        return ByteBuffer.allocate(4).putInt(size).array();
    }

    @Test
    void reassemblesAFrameFromSingleBytes() throws Exception {
        MemoryBudget budget = new MemoryBudget(-1);
        FrameReader reader = new FrameReader(100, new FramePool(budget, 1 << 20, true));
        ChunkedChannel ch = new ChunkedChannel();
        byte[] frame = {0, 0, 0, 3, 'a', 'b', 'c'};
        for (int i = 0; i < frame.length - 1; i++) {
            ch.add(frame[i]);
            assertThat(reader.read(ch)).isNull();
            assertThat(reader.read(ch)).as("no more bytes yet").isNull();
        }
        ch.add(frame[frame.length - 1]);
        ByteBuffer payload = reader.read(ch);
        assertThat(payload.position()).isZero();
        assertThat(payload.remaining()).isEqualTo(3);
        assertThat(payload.get(2)).isEqualTo((byte) 'c');
        assertThat(payload.isDirect()).as("pooled frames are direct: no JDK copy on read or file write").isTrue();
        assertThat(reader.bytesRead()).isEqualTo(7);
        assertThat(budget.used()).as("the smallest size class is reserved").isEqualTo(FramePool.MIN_POOLED);
    }

    @Test
    void rejectsOutOfRangeSizesBeforeReservingOrAllocating() {
        MemoryBudget budget = new MemoryBudget(1000);
        for (int size : new int[] {0, -5, 101, Integer.MAX_VALUE}) {
            FrameReader reader = new FrameReader(100, new FramePool(budget, 1 << 20, true));
            assertThatThrownBy(() -> reader.read(new ChunkedChannel().add(sizeOf(size))))
                    .isInstanceOf(InvalidFrameException.class).hasMessageContaining(String.valueOf(size));
            assertThat(budget.used()).isZero();
        }
    }

    @Test
    void waitsForTheMemoryBudgetThenContinues() throws Exception {
        MemoryBudget budget = new MemoryBudget(2048);
        assertThat(budget.tryAcquire(1500)).isTrue();
        FrameReader reader = new FrameReader(100, new FramePool(budget, 1 << 20, true));
        ChunkedChannel ch = new ChunkedChannel().add(sizeOf(4)).add((byte) 1, (byte) 2, (byte) 3, (byte) 4);
        assertThat(reader.read(ch)).isNull();
        assertThat(reader.awaitingMemory()).isTrue();
        assertThat(reader.tryAllocate()).isFalse();
        budget.release(1500);
        assertThat(reader.tryAllocate()).isTrue();
        assertThat(reader.read(ch).remaining()).isEqualTo(4);
        assertThat(budget.used()).isEqualTo(FramePool.MIN_POOLED);
    }

    @Test
    void aRequestLargerThanTheWholeBudgetPassesWhenNothingElseIsHeld() {
        MemoryBudget budget = new MemoryBudget(10);
        assertThat(budget.tryAcquire(50)).isTrue();
        assertThat(budget.tryAcquire(1)).isFalse();
        budget.release(50);
        assertThat(budget.tryAcquire(1)).isTrue();
    }

    @Test
    void releaseReturnsAHalfReadFrameAndEofIsReported() throws Exception {
        MemoryBudget budget = new MemoryBudget(-1);
        FramePool pool = new FramePool(budget, 1 << 20, true);
        FrameReader reader = new FrameReader(100, pool);
        ChunkedChannel ch = new ChunkedChannel().add(sizeOf(10)).add((byte) 1);
        assertThat(reader.read(ch)).isNull();
        assertThat(pool.inUseBytes()).isEqualTo(FramePool.MIN_POOLED);
        ch.eof = true;
        assertThatThrownBy(() -> reader.read(ch)).isInstanceOf(EOFException.class);
        reader.release();
        assertThat(pool.inUseBytes()).as("the half-read frame's buffer is back").isZero();
        assertThat(pool.idleBytes()).as("and kept for the next frame").isEqualTo(FramePool.MIN_POOLED);
    }

    @Test
    void aFrameAnnouncedButNotSentTakesNoMemoryUntilItsFirstByteArrives() throws Exception {
        MemoryBudget budget = new MemoryBudget(-1);
        FrameReader reader = new FrameReader(1 << 20, new FramePool(budget, 1 << 20, true));
        ChunkedChannel ch = new ChunkedChannel().add(sizeOf(1 << 20));
        for (int i = 0; i < 3; i++) {
            assertThat(reader.read(ch)).isNull();
        }
        assertThat(budget.used()).isZero();
        assertThat(reader.awaitingMemory()).as("not waiting for memory: waiting for the client").isFalse();
        ch.add((byte) 9);
        assertThat(reader.read(ch)).isNull();
        assertThat(budget.used()).isEqualTo(1 << 20);
    }

    @Test
    void aFrameIsOverdueWhenItsBytesTakeLongerThanTheTimeoutNotCountingTheWaitForMemory() throws Exception {
        long[] now = {0};
        dev.sluice.api.Time clock = new dev.sluice.api.Time() {
            @Override
            public long milliseconds() {
                return now[0] / 1_000_000;
            }

            @Override
            public long nanoseconds() {
                return now[0];
            }
        };
        MemoryBudget budget = new MemoryBudget(2048);
        FrameReader reader = new FrameReader(100, new FramePool(budget, 1 << 20, true), clock);
        assertThat(reader.overdue(1_000_000, 10)).as("no frame started").isFalse();
        ChunkedChannel ch = new ChunkedChannel().add(sizeOf(50));
        assertThat(reader.read(ch)).isNull();
        now[0] = 10;
        assertThat(reader.overdue(now[0], 10)).isFalse();
        assertThat(reader.overdue(now[0] + 1, 10)).as("announced, first byte late").isTrue();

        assertThat(budget.tryAcquire(1500)).isTrue();
        ch.add((byte) 1, (byte) 2);
        assertThat(reader.read(ch)).isNull();
        assertThat(reader.awaitingMemory()).isTrue();
        assertThat(reader.overdue(now[0] + 1_000, 10)).as("waiting for the server's memory is not the client's delay").isFalse();
        now[0] = 5_000;
        budget.release(1500);
        assertThat(reader.tryAllocate()).isTrue();
        assertThat(reader.overdue(now[0] + 10, 10)).isFalse();
        assertThat(reader.overdue(now[0] + 11, 10)).as("the clock restarted with the buffer").isTrue();
    }
}

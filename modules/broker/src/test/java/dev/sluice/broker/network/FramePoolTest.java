package dev.sluice.broker.network;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FramePoolTest {
    private static final int KIB = 1024;

    @Test
    void sizeClassesArePowersOfTwoFromOneKibToOneMib() {
        FramePool pool = new FramePool(new MemoryBudget(-1), 64L << 20, false);
        int[][] sizeToCapacity = {{1, KIB}, {100, KIB}, {KIB, KIB}, {KIB + 1, 2 * KIB}, {5000, 8 * KIB},
            {FramePool.MAX_POOLED, FramePool.MAX_POOLED}};
        for (int[] c : sizeToCapacity) {
            ByteBuffer b = pool.tryAcquire(c[0]);
            assertThat(b.isDirect()).isTrue();
            assertThat(b.capacity()).as("capacity for %d bytes", c[0]).isEqualTo(c[1]);
            assertThat(b.position()).isZero();
            assertThat(b.limit()).as("limited to the frame").isEqualTo(c[0]);
        }
    }

    @Test
    void framesAboveTheCapGetAnUnpooledHeapBufferOfTheirSize() {
        MemoryBudget budget = new MemoryBudget(-1);
        FramePool pool = new FramePool(budget, 64L << 20, false);
        ByteBuffer big = pool.tryAcquire(FramePool.MAX_POOLED + 1);
        assertThat(big.isDirect()).isFalse();
        assertThat(big.capacity()).isEqualTo(FramePool.MAX_POOLED + 1);
        assertThat(budget.used()).isEqualTo(FramePool.MAX_POOLED + 1);
        pool.release(big);
        assertThat(budget.used()).isZero();
        assertThat(pool.idleBytes()).isZero();
    }

    @Test
    void aReleasedBufferIsReusedForTheNextFrameOfItsClass() {
        FramePool pool = new FramePool(new MemoryBudget(-1), 64L << 20, false);
        ByteBuffer first = pool.tryAcquire(300);
        first.position(200); // a handler consumed part of it
        pool.release(first);
        ByteBuffer second = pool.tryAcquire(900);
        assertThat(second).isSameAs(first);
        assertThat(second.position()).isZero();
        assertThat(second.limit()).isEqualTo(900);
        assertThat(pool.tryAcquire(2000)).as("another class is not served from it").isNotSameAs(first);
        assertThat(pool.allocated()).isEqualTo(2);
    }

    @Test
    void idleBuffersCountAgainstTheBudgetAndAreEvictedWhenItIsFull() {
        MemoryBudget budget = new MemoryBudget(4 * KIB);
        FramePool pool = new FramePool(budget, 64L << 20, false);
        ByteBuffer a = pool.tryAcquire(2 * KIB);
        ByteBuffer b = pool.tryAcquire(2 * KIB);
        assertThat(pool.tryAcquire(10)).as("budget full of frames in use").isNull();
        pool.release(a);
        pool.release(b);
        assertThat(budget.used()).as("idle buffers stay reserved").isEqualTo(4 * KIB);
        assertThat(pool.idleBytes()).isEqualTo(4 * KIB);

        ByteBuffer small = pool.tryAcquire(10); // needs 1 KiB: one idle 2 KiB buffer must go
        assertThat(small).isNotNull();
        assertThat(pool.idleBytes()).isEqualTo(2 * KIB);
        assertThat(budget.used()).as("in use + idle never exceed the budget").isEqualTo(3 * KIB);
    }

    @Test
    void idleMemoryIsCappedEvenWithAnUnlimitedBudget() {
        MemoryBudget budget = new MemoryBudget(-1);
        FramePool pool = new FramePool(budget, 8 * KIB, false);
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            held.add(pool.tryAcquire(KIB));
        }
        held.forEach(pool::release);
        assertThat(pool.idleBytes()).isEqualTo(8 * KIB);
        assertThat(budget.used()).as("dropped buffers are no longer reserved").isEqualTo(8 * KIB);
    }

    @Test
    void thousandsOfRequestsReuseAFixedSetOfBuffers() {
        MemoryBudget budget = new MemoryBudget(10L << 20);
        FramePool pool = new FramePool(budget, 8L << 20, false);
        ByteBuffer[] inFlight = new ByteBuffer[16];
        for (int round = 0; round < 5_000; round++) {
            for (int i = 0; i < inFlight.length; i++) {
                inFlight[i] = pool.tryAcquire(100 + (round * 31 + i * 977) % 60_000);
            }
            for (ByteBuffer b : inFlight) {
                pool.release(b);
            }
            if (round == 100) {
                assertThat(pool.allocated()).isLessThanOrEqualTo(16 * 7L);
            }
        }
        long warm = pool.allocated();
        for (int round = 0; round < 5_000; round++) {
            for (int i = 0; i < inFlight.length; i++) {
                inFlight[i] = pool.tryAcquire(100 + (round * 31 + i * 977) % 60_000);
            }
            for (ByteBuffer b : inFlight) {
                pool.release(b);
            }
        }
        assertThat(pool.allocated()).as("steady state allocates nothing").isEqualTo(warm);
        assertThat(pool.inUseBytes()).isZero();
        assertThat(budget.used()).isEqualTo(pool.idleBytes());
    }

    @Test
    void poisoningFillsReleasedBuffersAndCatchesWritesAfterRelease() {
        FramePool pool = new FramePool(new MemoryBudget(-1), 64L << 20, true);
        ByteBuffer frame = pool.tryAcquire(8);
        frame.putLong(0, 42);
        ByteBuffer stale = frame.duplicate(); // what a handler keeping the payload would see
        pool.release(frame);
        assertThat(stale.getLong(0)).as("a read after release sees poison").isEqualTo(0xDEDEDEDEDEDEDEDEL);

        stale.put(3, (byte) 1); // a write after release
        assertThatThrownBy(() -> pool.tryAcquire(8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("written after its release");
    }

    @Test
    void largeFramesLeaveTheLastEighthOfTheBudgetToSmallOnes() {
        MemoryBudget budget = new MemoryBudget(8L << 20);
        FramePool pool = new FramePool(budget, 64L << 20, false);
        List<ByteBuffer> large = new ArrayList<>();
        ByteBuffer b;
        while ((b = pool.tryAcquire(FramePool.MAX_POOLED)) != null) {
            large.add(b);
        }
        assertThat(large).as("7 of 8 MiB").hasSize(7);
        for (int i = 0; i < 16; i++) {
            assertThat(pool.tryAcquire(MemoryBudget.SMALL_FRAME_BYTES)).as("small frame %d", i).isNotNull();
        }
        assertThat(pool.tryAcquire(1)).as("now the whole budget is taken").isNull();
    }
}

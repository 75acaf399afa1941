package dev.sluice.broker.delay;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DelayedOperationsTest {
    private final DelayedOperations<String> ops = new DelayedOperations<>("test");

    @AfterEach
    void close() {
        ops.close();
    }

    /** Completes when {@code ready} is set; counts completions and expirations. */
    private static final class Op implements DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger expired = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public boolean tryComplete() {
            if (ready.get()) {
                completed.incrementAndGet();
                done.countDown();
                return true;
            }
            return false;
        }

        @Override
        public void onExpire() {
            expired.incrementAndGet();
            done.countDown();
        }
    }

    @Test
    void completesImmediatelyWhenReady() {
        Op op = new Op();
        op.ready.set(true);
        ops.tryCompleteElseWatch(op, List.of("a"), 60_000);
        assertThat(op.completed).hasValue(1);
        assertThat(ops.waiting()).isZero();
    }

    @Test
    void waitsUntilItsKeyIsChecked() {
        Op op = new Op();
        ops.tryCompleteElseWatch(op, List.of("a", "b"), 60_000);
        ops.checkAndComplete("b");
        assertThat(op.completed).hasValue(0);
        op.ready.set(true);
        ops.checkAndComplete("c");
        assertThat(op.completed).hasValue(0);
        ops.checkAndComplete("b");
        ops.checkAndComplete("a");
        assertThat(op.completed).hasValue(1);
        assertThat(op.expired).hasValue(0);
        assertThat(ops.waiting()).isZero();
    }

    @Test
    void expiresAfterTimeoutExactlyOnce() throws InterruptedException {
        Op op = new Op();
        ops.tryCompleteElseWatch(op, List.of("a"), 20);
        assertThat(op.done.await(10, TimeUnit.SECONDS)).isTrue();
        op.ready.set(true);
        ops.checkAndComplete("a");
        assertThat(op.expired).hasValue(1);
        assertThat(op.completed).hasValue(0);
    }

    @Test
    void closeExpiresWaiters() {
        Op op = new Op();
        ops.tryCompleteElseWatch(op, List.of("a"), 60_000);
        ops.close();
        assertThat(op.expired).hasValue(1);
    }
}

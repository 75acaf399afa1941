package dev.sluice.broker.delay;

import dev.sluice.api.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** On a manual clock: deadlines are exact and nothing sleeps. */
class DelayedOperationsTest {
    private final ManualClock clock = new ManualClock();
    private final DelayedOperations<String> ops = new DelayedOperations<>(clock);

    @AfterEach
    void close() {
        ops.close();
    }

    /** Completes when {@code ready} is set; counts completions and expirations. */
    private static final class Op implements DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger expired = new AtomicInteger();

        @Override
        public boolean tryComplete() {
            if (ready.get()) {
                completed.incrementAndGet();
                return true;
            }
            return false;
        }

        @Override
        public void onExpire() {
            expired.incrementAndGet();
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
    void expiresAtItsDeadlineExactlyOnce() {
        Op op = new Op();
        ops.tryCompleteElseWatch(op, List.of("a"), 20);
        clock.advance(19);
        assertThat(op.expired).hasValue(0);
        assertThat(ops.waiting()).isEqualTo(1);
        clock.advance(1);
        assertThat(op.expired).hasValue(1);
        assertThat(ops.waiting()).isZero();
        // neither a late wake-up nor more time completes it again
        op.ready.set(true);
        ops.checkAndComplete("a");
        clock.advance(1_000);
        assertThat(op.expired).hasValue(1);
        assertThat(op.completed).hasValue(0);
    }

    @Test
    void completingBeforeTheDeadlineCancelsTheExpiry() {
        Op op = new Op();
        ops.tryCompleteElseWatch(op, List.of("a"), 500);
        clock.advance(499);
        op.ready.set(true);
        ops.checkAndComplete("a");
        assertThat(op.completed).hasValue(1);
        assertThat(clock.pending()).isZero();
        clock.advance(10_000);
        assertThat(op.expired).hasValue(0);
        assertThat(op.completed).hasValue(1);
    }

    @Test
    void eachOperationKeepsItsOwnDeadline() {
        Op early = new Op();
        Op late = new Op();
        ops.tryCompleteElseWatch(late, List.of("a"), 300);
        ops.tryCompleteElseWatch(early, List.of("a"), 100);
        clock.advance(100);
        assertThat(early.expired).hasValue(1);
        assertThat(late.expired).hasValue(0);
        late.ready.set(true);
        ops.checkAndComplete("a");
        assertThat(late.completed).hasValue(1);
        clock.advance(1_000);
        assertThat(late.expired).hasValue(0);
    }

    @Test
    void closeExpiresWaiters() {
        Op op = new Op();
        ops.tryCompleteElseWatch(op, List.of("a"), 60_000);
        ops.close();
        assertThat(op.expired).hasValue(1);
    }
}

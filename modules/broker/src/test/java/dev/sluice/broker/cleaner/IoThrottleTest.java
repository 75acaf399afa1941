package dev.sluice.broker.cleaner;

import dev.sluice.api.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** log.cleaner.io.max.bytes.per.second: how long the cleaner sleeps for the bytes it reads and writes. */
class IoThrottleTest {
    private static final double RATE = 1_000_000; // bytes per second
    private static final int CHUNK = 100_000;

    private final ManualClock clock = new ManualClock();
    private final IoThrottle throttle = new IoThrottle(RATE, clock, new CountDownLatch(1));

    /** Bytes processed as fast as the machine goes (no time passes but the sleeps); returns the time taken. */
    private long burst(long bytes) {
        long start = clock.milliseconds();
        for (long done = 0; done < bytes; done += CHUNK) {
            clock.advance(throttle.pauseMs(CHUNK));
        }
        return clock.milliseconds() - start;
    }

    @Test
    void aBurstShorterThanAPeriodIsPacedToo() {
        clock.advance(5_000); // the cleaner was idle
        // 3 MB at 1 MB/s: a fast machine does them in no time, the throttle makes it about 3 s (less the
        // bytes counted against the idle time before, at most one period's worth)
        assertThat(burst(3_000_000)).isBetween(3_000L - IoThrottle.PERIOD_MS, 3_000L);
    }

    @Test
    void atMostOnePeriodsWorthGoesByUnpaced() {
        clock.advance(5_000);
        long unpaced = 0;
        for (int i = 0; i < 100 && throttle.pauseMs(CHUNK) == 0; i++) { // the clock stands still: no time passes
            unpaced += CHUNK;
        }
        assertThat(unpaced).isLessThanOrEqualTo((long) (RATE * IoThrottle.PERIOD_MS / 1000));
    }

    @Test
    void aCleanerSlowerThanTheRateNeverSleeps() {
        for (int i = 0; i < 100; i++) {
            clock.advance(150); // 100 kB per 150 ms: below 1 MB/s
            assertThat(throttle.pauseMs(CHUNK)).isZero();
        }
    }

    @Test
    void aNewRateAppliesFromTheNextPeriod() {
        clock.advance(5_000);
        throttle.rate(RATE / 10);
        assertThat(burst(1_000_000)).isBetween(10_000L - 10 * IoThrottle.PERIOD_MS, 10_000L);
    }

    @Test
    void closingStopsACleaningAtItsNextReadOrWrite() {
        CountDownLatch closing = new CountDownLatch(1);
        IoThrottle closable = new IoThrottle(RATE, clock, closing);
        closable.bytesProcessed(CHUNK);
        closing.countDown();
        assertThatThrownBy(() -> closable.bytesProcessed(CHUNK)).isInstanceOf(CancellationException.class);
    }
}

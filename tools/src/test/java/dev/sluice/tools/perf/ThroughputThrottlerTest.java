package dev.sluice.tools.perf;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThroughputThrottlerTest {

    @Test
    void holdsTheAverageNearTheTarget() throws InterruptedException {
        long start = System.currentTimeMillis();
        // started 1 ms ago: like Kafka's, the throttler lets through whatever is sent within the first millisecond
        ThroughputThrottler throttler = new ThroughputThrottler(500, start - 1);
        for (long i = 0; i < 250; i++) {
            if (throttler.shouldThrottle(i, System.currentTimeMillis())) {
                throttler.throttle();
            }
        }
        long elapsed = System.currentTimeMillis() - start;
        assertThat(elapsed).isBetween(400L, 2_000L); // 250 records at 500/s: about half a second
    }

    @Test
    void negativeTargetNeverThrottles() {
        ThroughputThrottler throttler = new ThroughputThrottler(-1, 0);
        assertThat(throttler.shouldThrottle(1_000_000, 1)).isFalse();
    }
}

package dev.sluice.tools.perf;

/**
 * Holds a sender to about {@code target} records per second, with the behaviour of Kafka's
 * ThroughputThrottler: the caller asks {@link #shouldThrottle} after each send (is the average
 * since the start above the target?) and if so calls {@link #throttle}, which adds one record's
 * worth of time (1/target s) to a sleep debt and sleeps once the debt reaches 2 ms, because
 * shorter sleeps are not precise. A negative target never throttles.
 */
final class ThroughputThrottler {
    private static final long NS_PER_SECOND = 1_000_000_000L;
    private static final long MIN_SLEEP_NS = 2_000_000L;

    private final double target;
    private final long startMs;
    private final long nsPerRecord;
    private long sleepDebtNs;

    ThroughputThrottler(double target, long startMs) {
        this.target = target;
        this.startMs = startMs;
        this.nsPerRecord = target > 0 ? (long) (NS_PER_SECOND / target) : Long.MAX_VALUE;
    }

    /** @param sentSoFar records sent since the start; {@code nowMs} the time of the last send */
    boolean shouldThrottle(long sentSoFar, long nowMs) {
        if (target < 0) {
            return false;
        }
        double elapsedSeconds = (nowMs - startMs) / 1000.0;
        return elapsedSeconds > 0 && sentSoFar / elapsedSeconds > target;
    }

    void throttle() throws InterruptedException {
        if (target == 0) { // zero records per second: wait until interrupted
            Thread.sleep(Long.MAX_VALUE);
        }
        sleepDebtNs += nsPerRecord;
        if (sleepDebtNs < MIN_SLEEP_NS) {
            return;
        }
        long startNs = System.nanoTime();
        long remaining = sleepDebtNs;
        while (remaining > 0) {
            Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
            remaining = sleepDebtNs - (System.nanoTime() - startNs);
        }
        sleepDebtNs = 0;
    }
}

package dev.sluice.broker.cleaner;

import dev.sluice.api.Time;
import dev.sluice.api.storage.CompactionRequest;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code log.cleaner.io.max.bytes.per.second} for all cleaner threads together (Kafka's Throttler):
 * bytes are counted over periods; a period ends once it lasted {@value #PERIOD_MS} ms or once its
 * bytes need that long at the rate, and then sleeps what its bytes need beyond the time it lasted.
 * The second end (Kafka's Throttler has only the first) paces a burst shorter than a period: a
 * whole cleaning of a small log (LMDB cleans one in milliseconds) would otherwise go unpaced, and
 * the period after it, lasting the idle time that followed, would owe nothing. So after idle time
 * at most about one period's worth goes by unpaced. Also where a cleaning notices the cleaner is
 * closing: it stops with a {@link CancellationException} (the storage then changes nothing), so
 * closing never has to interrupt a thread inside file I/O (which would close the segment's channel
 * for every reader).
 *
 * <p>Threads: the cleaner threads; counting is synchronized, sleeping is not.
 */
final class IoThrottle implements CompactionRequest.IoThrottle {
    static final long PERIOD_MS = 300;

    private volatile double bytesPerSecond;
    private final Time time;
    private final CountDownLatch closing;
    private long periodStartMs;
    private long bytesInPeriod;

    IoThrottle(double bytesPerSecond, Time time, CountDownLatch closing) {
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.closing = closing;
        this.periodStartMs = time.milliseconds();
    }

    /** A new {@code log.cleaner.io.max.bytes.per.second}, from the next period on. */
    void rate(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public void bytesProcessed(long bytes) {
        checkNotClosing();
        long sleepMs = pauseMs(bytes);
        if (sleepMs > 0) {
            try {
                closing.await(sleepMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while throttled");
            }
            checkNotClosing();
        }
    }

    /** Counts {@code bytes}; how long the caller must sleep to keep to the rate (0: not now). */
    synchronized long pauseMs(long bytes) {
        bytesInPeriod += bytes;
        long now = time.milliseconds();
        long elapsed = now - periodStartMs;
        double neededMs = bytesInPeriod * 1000 / bytesPerSecond;
        if (elapsed < PERIOD_MS && neededMs < PERIOD_MS) {
            return 0;
        }
        long sleepMs = (long) Math.max(0, neededMs - elapsed);
        periodStartMs = now + sleepMs;
        bytesInPeriod = 0;
        return sleepMs;
    }

    private void checkNotClosing() {
        if (closing.getCount() == 0) {
            throw new CancellationException("the log cleaner is closing");
        }
    }
}

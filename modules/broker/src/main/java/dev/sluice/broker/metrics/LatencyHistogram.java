package dev.sluice.broker.metrics;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies counted in fixed buckets (Prometheus's cumulative {@code le} buckets, in seconds), with
 * the sum, the extremes and, for JMX, Kafka's histogram attributes (mean and percentiles) over
 * the last minute, estimated within buckets.
 *
 * <p>Threads: {@link #record} from any thread (a bucket search over {@value #BUCKETS} bounds and
 * three striped adds; no lock, no allocation); {@link #tick} only from the registry's ticker, which
 * keeps a ring of bucket counts so the last minute can be told apart; readers from any thread.
 */
public final class LatencyHistogram implements Metric {
    /** Upper bounds in seconds: sub-millisecond local calls up to a minute-long wait. */
    static final double[] BOUNDS_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
            1, 2.5, 5, 10, 30, 60};
    static final int BUCKETS = 16;
    private static final long[] BOUNDS_NANOS = new long[BUCKETS];
    /** Ticks kept: one minute of 5 s ticks plus the one it is measured from. */
    private static final int RING = 60 / Meter.TICK_SECONDS + 1;

    static {
        for (int i = 0; i < BUCKETS; i++) {
            BOUNDS_NANOS[i] = (long) (BOUNDS_SECONDS[i] * 1e9);
        }
    }

    private final LongAdder[] buckets = new LongAdder[BUCKETS + 1]; // the last one: above every bound (+Inf)
    private final LongAdder sumNanos = new LongAdder();
    private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
    private final LongAccumulator minNanos = new LongAccumulator(Math::min, Long.MAX_VALUE);
    // ticker thread writes, readers copy the reference: cumulative bucket counts at each of the last ticks
    private final long[][] ring = new long[RING][];
    private int ringNext;
    private volatile long[] lastMinute = new long[BUCKETS + 1];

    LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one latency; negative values (clock skew between threads' reads) count as zero. */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        buckets[bucketOf(n)].increment();
        sumNanos.add(n);
        maxNanos.accumulate(n); // no write unless it is a new maximum
        minNanos.accumulate(n);
    }

    static int bucketOf(long nanos) {
        int lo = 0;
        int hi = BUCKETS; // the +Inf bucket
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (nanos <= BOUNDS_NANOS[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Counts per bucket (the last: above every bound), not cumulative. */
    public long[] bucketCounts() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return counts;
    }

    public long count() {
        long n = 0;
        for (LongAdder b : buckets) {
            n += b.sum();
        }
        return n;
    }

    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }

    public double maxMs() {
        return maxNanos.get() / 1e6;
    }

    public double minMs() {
        long min = minNanos.get();
        return min == Long.MAX_VALUE ? 0 : min / 1e6;
    }

    public double meanMs() {
        long n = count();
        return n == 0 ? 0 : sumNanos.sum() / 1e6 / n;
    }

    /** Keeps this tick's counts; ticker thread only. */
    void tick() {
        long[] now = bucketCounts();
        ring[ringNext] = now;
        int oldest = (ringNext + 1) % RING;
        ringNext = oldest;
        long[] base = ring[oldest];
        long[] window = new long[now.length];
        for (int i = 0; i < now.length; i++) {
            window[i] = now[i] - (base == null ? 0 : base[i]);
        }
        lastMinute = window;
    }

    /**
     * The {@code q} quantile (0..1) in milliseconds over about the last minute (all time before
     * the first minute), interpolated linearly inside its bucket; 0 without data.
     */
    public double percentileMs(double q) {
        long[] window = lastMinute;
        long total = 0;
        for (long c : window) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < window.length; i++) {
            if (window[i] == 0) {
                continue;
            }
            if (seen + window[i] >= rank) {
                double lower = i == 0 ? 0 : BOUNDS_SECONDS[i - 1] * 1000;
                double upper = i < BUCKETS ? BOUNDS_SECONDS[i] * 1000 : Math.max(lower, maxMs());
                return lower + (upper - lower) * ((rank - seen) / window[i]);
            }
            seen += window[i];
        }
        return maxMs();
    }

    /** Standard deviation in ms over the last minute, from bucket midpoints (Kafka's StdDev attribute). */
    public double stdDevMs() {
        long[] window = lastMinute;
        long n = 0;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < window.length; i++) {
            double lower = i == 0 ? 0 : BOUNDS_SECONDS[i - 1] * 1000;
            double upper = i < BUCKETS ? BOUNDS_SECONDS[i] * 1000 : lower;
            double mid = (lower + upper) / 2;
            n += window[i];
            sum += mid * window[i];
            squares += mid * mid * window[i];
        }
        if (n < 2) {
            return 0;
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, squares / n - mean * mean));
    }
}

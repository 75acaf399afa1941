package dev.sluice.broker.quota;

/**
 * A rate over a sliding window of samples, as Kafka's {@code Rate} over a {@code SampledStat}:
 * {@code samples} buckets of {@code sampleMs} each; the rate is their total over the time since the
 * oldest bucket started, counted as at least {@code samples - 1} whole buckets (so a new client's first
 * burst is measured against the whole window, as in Kafka).
 *
 * <p>Thread-safe (one lock per rate: the clients sharing a quota contend, nobody else).
 */
final class QuotaRate {
    private final long sampleMs;
    private final double[] totals;
    private final long[] counts;
    private final long[] starts;
    private int current;

    QuotaRate(int samples, long sampleMs, long nowMs) {
        this.sampleMs = sampleMs;
        this.totals = new double[samples];
        this.counts = new long[samples];
        this.starts = new long[samples];
        java.util.Arrays.fill(starts, Long.MIN_VALUE);
        starts[0] = nowMs;
    }

    /** Adds {@code value} at {@code nowMs} and answers the rate per second afterwards. */
    synchronized double record(double value, long nowMs) {
        advance(nowMs);
        totals[current] += value;
        counts[current]++;
        return rate(nowMs);
    }

    /** The mean of the values recorded in the live buckets (Kafka's {@code Avg}); 0 if there are none. */
    synchronized double average(long nowMs) {
        advance(nowMs);
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n == 0 ? 0 : total() / n;
    }

    /** The rate per second now. */
    synchronized double rate(long nowMs) {
        advance(nowMs);
        return total() * 1000.0 / windowMs(nowMs);
    }

    /** The span the rate is measured over (ms): since the oldest live bucket, at least samples - 1 buckets. */
    synchronized long windowMs(long nowMs) {
        long oldest = nowMs;
        for (long start : starts) {
            if (start != Long.MIN_VALUE && start < oldest) {
                oldest = start;
            }
        }
        long elapsed = nowMs - oldest;
        long minimum = (starts.length - 1) * sampleMs;
        return Math.max(Math.max(elapsed, minimum), 1);
    }

    private double total() {
        double sum = 0;
        for (double t : totals) {
            sum += t;
        }
        return sum;
    }

    /** Moves to the bucket of {@code nowMs}, dropping buckets older than the whole window. */
    private void advance(long nowMs) {
        long windowSpan = starts.length * sampleMs;
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] != Long.MIN_VALUE && nowMs - starts[i] >= windowSpan) {
                starts[i] = Long.MIN_VALUE;
                totals[i] = 0;
                counts[i] = 0;
            }
        }
        if (starts[current] == Long.MIN_VALUE) {
            starts[current] = nowMs;
        } else if (nowMs - starts[current] >= sampleMs) {
            current = (current + 1) % starts.length;
            starts[current] = nowMs;
            totals[current] = 0;
            counts[current] = 0;
        }
    }
}

package dev.sluice.tools.perf;

/**
 * Counts latencies in milliseconds in a fixed array of buckets, so recording one never allocates
 * (an HdrHistogram-like layout): values below 2048 ms each get their own bucket, larger ones
 * share buckets 1/1024 of their power of two wide, so any percentile is exact up to 2 s and
 * within 0.1 % above. Not thread-safe: one thread records (the producer's I/O thread).
 */
final class LatencyHistogram {
    private static final int EXACT = 2048;               // 2^11 values with a bucket each
    private static final int SUB_BUCKETS = 1024;         // per power of two above that
    private static final int EXACT_BITS = 11;
    private static final int POWERS = 31 - EXACT_BITS;   // 2^11 .. 2^31 - 1

    private final long[] counts = new long[EXACT + POWERS * SUB_BUCKETS];
    private long total;

    void record(int latencyMs) {
        counts[index(Math.max(0, latencyMs))]++;
        total++;
    }

    long count() {
        return total;
    }

    /**
     * The latency at quantile {@code q} (0..1) as Kafka's tool computes it: the value at position
     * {@code floor(q * n)} of the sorted latencies, or 0 if nothing was recorded.
     */
    int percentile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.min(total - 1, (long) (q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen > rank) {
                return lowestValue(i);
            }
        }
        throw new IllegalStateException("counts do not add up to " + total);
    }

    static int index(int value) {
        if (value < EXACT) {
            return value;
        }
        int exponent = 31 - Integer.numberOfLeadingZeros(value);   // >= 11
        int shift = exponent - (EXACT_BITS - 1);                    // keeps 10 bits below the top one
        int subBucket = (value >>> shift) - SUB_BUCKETS;            // 0 .. 1023
        return EXACT + (exponent - EXACT_BITS) * SUB_BUCKETS + subBucket;
    }

    static int lowestValue(int index) {
        if (index < EXACT) {
            return index;
        }
        int power = (index - EXACT) / SUB_BUCKETS;
        int subBucket = (index - EXACT) % SUB_BUCKETS;
        int shift = power + 1;
        return (SUB_BUCKETS + subBucket) << shift;
    }
}

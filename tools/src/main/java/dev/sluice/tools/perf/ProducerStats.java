package dev.sluice.tools.perf;

import java.io.PrintStream;

/**
 * The numbers kafka-producer-perf-test prints, in its exact formats: every 5 s a window line
 * ("N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency.") and at the
 * end the total with percentiles. Latency is the time from send to the acknowledgement callback.
 * Recorded from the producer's I/O thread, read at the end by the main thread, hence synchronized
 * (uncontended, so cheap).
 */
final class ProducerStats {
    static final long REPORTING_INTERVAL_MS = 5_000;
    private static final double MB = 1024.0 * 1024.0;

    private final PrintStream out;
    private final long startMs;
    private final LatencyHistogram latencies = new LatencyHistogram();
    private long count;
    private long bytes;
    private long totalLatency;
    private int maxLatency;
    private long windowStartMs;
    private long windowCount;
    private long windowBytes;
    private long windowTotalLatency;
    private int windowMaxLatency;

    ProducerStats(PrintStream out, long startMs) {
        this.out = out;
        this.startMs = startMs;
        this.windowStartMs = startMs;
    }

    synchronized void record(int latencyMs, int recordBytes, long nowMs) {
        count++;
        bytes += recordBytes;
        totalLatency += latencyMs;
        maxLatency = Math.max(maxLatency, latencyMs);
        latencies.record(latencyMs);
        windowCount++;
        windowBytes += recordBytes;
        windowTotalLatency += latencyMs;
        windowMaxLatency = Math.max(windowMaxLatency, latencyMs);
        if (nowMs - windowStartMs >= REPORTING_INTERVAL_MS) {
            printWindow(nowMs);
            windowStartMs = nowMs;
            windowCount = 0;
            windowBytes = 0;
            windowTotalLatency = 0;
            windowMaxLatency = 0;
        }
    }

    private void printWindow(long nowMs) {
        long elapsed = Math.max(1, nowMs - windowStartMs);
        out.printf("%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.%n",
                windowCount, 1000.0 * windowCount / elapsed, 1000.0 * windowBytes / elapsed / MB,
                windowTotalLatency / (double) windowCount, (double) windowMaxLatency);
        out.flush();
    }

    synchronized void printTotal(long nowMs) {
        long elapsed = Math.max(1, nowMs - startMs);
        out.printf("%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, "
                        + "%d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n",
                count, 1000.0 * count / elapsed, 1000.0 * bytes / elapsed / MB,
                count == 0 ? 0.0 : totalLatency / (double) count, (double) maxLatency,
                latencies.percentile(0.5), latencies.percentile(0.95), latencies.percentile(0.99), latencies.percentile(0.999));
    }

    synchronized long count() {
        return count;
    }
}

package dev.sluice.bench.metrics;

import dev.sluice.api.Time;
import dev.sluice.broker.metrics.LatencyHistogram;
import dev.sluice.broker.metrics.Meter;
import dev.sluice.broker.metrics.MetricName;
import dev.sluice.broker.metrics.MetricRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The metrics' primitives alone, from several threads at once as the handler and network threads
 * use them: a meter's mark and a latency histogram's record (bucket search, striped adds, the
 * extremes). Nanoseconds per call. Threads: JMH's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(4)
public class MetricsHotPathBenchmark {
    private final MetricRegistry registry = new MetricRegistry(Time.SYSTEM, false);
    private final Meter meter = registry.meter(MetricName.of("bench", "Bench", "EventsPerSec"), "events", "events");
    private final LatencyHistogram histogram = registry.histogram(MetricName.of("bench", "Bench", "TimeMs"), "time");
    private long latency = 1;

    @Benchmark
    public void meterMark() {
        meter.mark();
    }

    @Benchmark
    public void histogramRecord() {
        latency = (latency * 6364136223846793005L + 1442695040888963407L); // varied latencies: every bucket
        histogram.record((latency >>> 34) & ((1L << 30) - 1));
    }
}

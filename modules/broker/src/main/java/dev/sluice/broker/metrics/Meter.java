package dev.sluice.broker.metrics;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A count of events with the rates Kafka's (Yammer) meters expose: Count, MeanRate and the
 * one-, five- and fifteen-minute exponentially weighted moving averages, per second.
 *
 * <p>Threads: {@link #mark} from any thread (a striped {@link LongAdder}: no lock, no allocation, no
 * clock read); {@link #tick} only from the registry's ticker (every {@value #TICK_SECONDS} s), which
 * alone writes the averages; the getters from any thread (volatile reads).
 */
public final class Meter implements Metric {
    static final int TICK_SECONDS = 5;
    private static final double M1 = alpha(1);
    private static final double M5 = alpha(5);
    private static final double M15 = alpha(15);

    private final LongAdder count = new LongAdder();
    /** Where the count comes from when another layer counts (the network's idle time); else null. */
    private final LongSupplier source;
    private final long createdNanos;
    private final double rateScale;
    // ticker thread only
    private long countAtLastTick;
    private boolean primed;
    // written by the ticker, read by anyone: events per second
    private volatile double m1;
    private volatile double m5;
    private volatile double m15;

    /** A meter whose rates are per second, as Kafka's {@code *PerSec} meters. */
    Meter(long nowNanos) {
        this(nowNanos, 1.0);
    }

    /**
     * @param rateScale multiplies the per-second rates: {@code 1e-9} gives per-nanosecond rates, as
     *                  Kafka's idle-percent meters (which mark idle nanoseconds) report a fraction
     */
    Meter(long nowNanos, double rateScale) {
        this(nowNanos, rateScale, null);
    }

    /** A meter over a count kept elsewhere ({@link #mark} is then not used). */
    Meter(long nowNanos, double rateScale, LongSupplier source) {
        this.createdNanos = nowNanos;
        this.rateScale = rateScale;
        this.source = source;
    }

    /** Kafka's EWMA weights for a 5 s tick over {@code minutes}. */
    private static double alpha(int minutes) {
        return 1 - Math.exp(-TICK_SECONDS / 60.0 / minutes);
    }

    public void mark() {
        count.increment();
    }

    public void mark(long n) {
        count.add(n);
    }

    public long count() {
        return source != null ? source.getAsLong() : count.sum();
    }

    /** The count in the rates' unit: idle nanoseconds as seconds for a time-fraction meter, else the count. */
    double scaledCount() {
        return rateScale == 1.0 ? count() : count() * rateScale;
    }

    /** Updates the moving averages with the events since the previous tick; ticker thread only. */
    void tick() {
        long now = count();
        double instant = (now - countAtLastTick) / (double) TICK_SECONDS;
        countAtLastTick = now;
        if (!primed) { // the first interval starts the averages, as Yammer's EWMA does
            primed = true;
            m1 = instant;
            m5 = instant;
            m15 = instant;
            return;
        }
        m1 += M1 * (instant - m1);
        m5 += M5 * (instant - m5);
        m15 += M15 * (instant - m15);
    }

    public double oneMinuteRate() {
        return m1 * rateScale;
    }

    public double fiveMinuteRate() {
        return m5 * rateScale;
    }

    public double fifteenMinuteRate() {
        return m15 * rateScale;
    }

    public double meanRate(long nowNanos) {
        long elapsed = nowNanos - createdNanos;
        return elapsed <= 0 ? 0 : count() * 1e9 / elapsed * rateScale;
    }
}

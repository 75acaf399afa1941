package dev.sluice.storage.testkit;

import dev.sluice.api.Time;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when a test says so. */
public final class ManualTime implements Time {
    private final AtomicLong nowMs;
    private final AtomicLong nanos = new AtomicLong();

    public ManualTime(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    public ManualTime() {
        this(1_700_000_000_000L);
    }

    @Override
    public long milliseconds() {
        return nowMs.get();
    }

    @Override
    public long nanoseconds() {
        return nanos.get();
    }

    /** Moves both clocks forward. */
    public void advance(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("time only moves forward");
        }
        nowMs.addAndGet(ms);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }
}

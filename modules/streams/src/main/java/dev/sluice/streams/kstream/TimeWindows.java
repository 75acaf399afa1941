package dev.sluice.streams.kstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixed-size windows aligned to the epoch: tumbling (advance == size) or hopping (advance < size).
 * A record belongs to every window {@code [start, start + size)} containing its timestamp; a window
 * accepts records until stream time passes {@code end + grace}.
 */
public record TimeWindows(long sizeMs, long advanceMs, long graceMs) {
    public TimeWindows {
        if (sizeMs <= 0) {
            throw new IllegalArgumentException("window size must be positive, was " + sizeMs);
        }
        if (advanceMs <= 0 || advanceMs > sizeMs) {
            throw new IllegalArgumentException("advance must be in (0, size], was " + advanceMs);
        }
        if (graceMs < 0) {
            throw new IllegalArgumentException("grace must not be negative, was " + graceMs);
        }
    }

    public static TimeWindows ofSizeWithNoGrace(Duration size) {
        return new TimeWindows(size.toMillis(), size.toMillis(), 0);
    }

    public static TimeWindows ofSizeAndGrace(Duration size, Duration grace) {
        return new TimeWindows(size.toMillis(), size.toMillis(), grace.toMillis());
    }

    /** Hopping windows: a new one every {@code advance}. */
    public TimeWindows advanceBy(Duration advance) {
        return new TimeWindows(sizeMs, advance.toMillis(), graceMs);
    }

    /** The windows containing {@code timestamp}, earliest first (Kafka's {@code windowsFor}). */
    public List<Window> windowsFor(long timestamp) {
        List<Window> windows = new ArrayList<>();
        long start = Math.max(0, timestamp - sizeMs + advanceMs) / advanceMs * advanceMs;
        for (; start <= timestamp; start += advanceMs) {
            windows.add(new Window(start, start + sizeMs));
        }
        return windows;
    }
}

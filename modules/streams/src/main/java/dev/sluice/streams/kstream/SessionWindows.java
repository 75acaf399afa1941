package dev.sluice.streams.kstream;

import java.time.Duration;

/**
 * Sessions per key: records closer than {@code inactivityGap} to a session join it (merging sessions
 * they bridge); a session accepts records until stream time passes {@code end + grace}.
 */
public record SessionWindows(long inactivityGapMs, long graceMs) {
    public SessionWindows {
        if (inactivityGapMs <= 0) {
            throw new IllegalArgumentException("inactivity gap must be positive, was " + inactivityGapMs);
        }
        if (graceMs < 0) {
            throw new IllegalArgumentException("grace must not be negative, was " + graceMs);
        }
    }

    public static SessionWindows ofInactivityGapWithNoGrace(Duration gap) {
        return new SessionWindows(gap.toMillis(), 0);
    }

    public static SessionWindows ofInactivityGapAndGrace(Duration gap, Duration grace) {
        return new SessionWindows(gap.toMillis(), grace.toMillis());
    }
}

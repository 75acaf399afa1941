package dev.sluice.streams.kstream;

import java.time.Duration;

/**
 * Which records of two streams join: a left record at time t joins right records with timestamps in
 * {@code [t - before, t + after]}. Records are kept for {@code before + after + grace}.
 */
public record JoinWindows(long beforeMs, long afterMs, long graceMs) {
    public JoinWindows {
        if (beforeMs + afterMs < 0 || graceMs < 0) {
            throw new IllegalArgumentException("join window must not be negative");
        }
    }

    /** Records within {@code difference} of each other join. */
    public static JoinWindows ofTimeDifferenceWithNoGrace(Duration difference) {
        return new JoinWindows(difference.toMillis(), difference.toMillis(), 0);
    }

    public static JoinWindows ofTimeDifferenceAndGrace(Duration difference, Duration grace) {
        return new JoinWindows(difference.toMillis(), difference.toMillis(), grace.toMillis());
    }

    public JoinWindows before(Duration before) {
        return new JoinWindows(before.toMillis(), afterMs, graceMs);
    }

    public JoinWindows after(Duration after) {
        return new JoinWindows(beforeMs, after.toMillis(), graceMs);
    }

    /** How long each side's records are kept: the whole window plus grace. */
    public long retentionMs() {
        return beforeMs + afterMs + graceMs;
    }
}

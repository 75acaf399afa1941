package dev.sluice.streams.kstream;

/**
 * A window's bounds in record time. Time windows are {@code [start, end)}; session windows are
 * {@code [start, end]} (a session of one record has start == end).
 */
public record Window(long start, long end) {
    public Window {
        if (end < start) {
            throw new IllegalArgumentException("window end " + end + " before start " + start);
        }
    }
}

package dev.sluice.api;

/** The clock everything time-based reads, so tests can move time without sleeping. */
public interface Time {
    Time SYSTEM = new Time() {
        @Override
        public long milliseconds() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime();
        }
    };

    /** Wall-clock time in ms since the epoch. */
    long milliseconds();

    /** Monotonic time for measuring intervals. */
    long nanoseconds();
}

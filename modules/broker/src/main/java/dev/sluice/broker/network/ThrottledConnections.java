package dev.sluice.broker.network;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A processor's connections muted for a quota throttle (KIP-219): not read until their throttle time
 * has passed. Few at a time, kept in no particular order.
 *
 * <p>Threads: the owning {@link Processor}'s only.
 */
final class ThrottledConnections {
    private final ArrayList<Connection> muted = new ArrayList<>();

    boolean isEmpty() {
        return muted.isEmpty();
    }

    /** Mutes {@code c} until {@code untilNanos}; a connection already muted keeps the later of the two ends. */
    void mute(Connection c, long untilNanos) {
        if (!c.muted) {
            c.muted = true;
            c.mutedUntilNanos = untilNanos;
            muted.add(c);
        } else if (untilNanos - c.mutedUntilNanos > 0) {
            c.mutedUntilNanos = untilNanos;
        }
    }

    /**
     * Unmutes the connections whose throttle has passed, telling {@code unmuted} of each still open (closed
     * ones are just dropped); answers the milliseconds until the next throttle ends, {@code noneMs} if none is left.
     */
    long unmuteDue(long nowNanos, long noneMs, Consumer<Connection> unmuted) {
        long next = Long.MAX_VALUE;
        for (int i = muted.size() - 1; i >= 0; i--) {
            Connection c = muted.get(i);
            long left = c.mutedUntilNanos - nowNanos;
            if (c.closed || left <= 0) {
                c.muted = false;
                muted.set(i, muted.get(muted.size() - 1));
                muted.remove(muted.size() - 1);
                if (!c.closed) {
                    unmuted.accept(c);
                }
            } else {
                next = Math.min(next, left);
            }
        }
        return next == Long.MAX_VALUE ? noneMs : TimeUnit.NANOSECONDS.toMillis(next) + 1;
    }
}

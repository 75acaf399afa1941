package dev.sluice.broker.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Polling for what a cluster does asynchronously (registrations, elections, metadata reaching
 * every broker): a condition is checked every 50 ms until it holds or the time is up, which fails
 * the test naming what was awaited (and the last value seen).
 *
 * <p>Stateless; runs on the calling (test) thread.
 */
public final class Await {
    /** Long enough for a loaded 2-core machine; a condition that holds returns at once. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MS = 50;

    private Await() {
    }

    /** Polls {@code value} until {@code done} (at most {@link #DEFAULT_TIMEOUT}); returns the value that satisfied it. */
    public static <T> T await(String what, Supplier<T> value, Predicate<T> done) throws InterruptedException {
        return await(what, DEFAULT_TIMEOUT, value, done);
    }

    /** Polls {@code value} until {@code done} (at most {@code timeout}); returns the value that satisfied it. */
    public static <T> T await(String what, Duration timeout, Supplier<T> value, Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T current = value.get();
        while (!done.test(current) && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
            current = value.get();
        }
        assertThat(done.test(current)).as(what + ": " + current).isTrue();
        return current;
    }

    /** Waits until {@code done} holds (at most {@link #DEFAULT_TIMEOUT}). */
    public static void await(String what, BooleanSupplier done) throws InterruptedException {
        await(what, DEFAULT_TIMEOUT, done);
    }

    /** Waits until {@code done} holds (at most {@code timeout}). */
    public static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** {@code call}'s result, or null if it throws: a value to poll while a client's request still fails. */
    public static <T> T orNull(Callable<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            return null;
        }
    }
}

package dev.sluice.tools.cluster;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waiting for an observable condition by polling, never by sleeping a guessed time: the value is
 * read every 200 ms until it satisfies the condition or the timeout passes; the failure names what
 * was awaited and the last value (or the last exception) seen.
 *
 * <p>Threads: the calling test's thread.
 */
public final class Await {
    private static final long POLL_MS = 200;

    private Await() {
    }

    /** Polls {@code value} until {@code done} accepts it; an exception from {@code value} counts as not yet. */
    public static <T> T until(String what, Duration timeout, Callable<T> value, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = value.call();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() >= deadline) {
                AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what
                        + (lastError != null ? "; last attempt failed: " + lastError : "; last seen: " + last));
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    /** Polls until {@code condition} is true. */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) {
        until(what, timeout, condition, Boolean.TRUE::equals);
    }
}

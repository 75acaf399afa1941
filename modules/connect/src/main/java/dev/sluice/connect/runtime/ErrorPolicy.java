package dev.sluice.connect.runtime;

import dev.sluice.api.Time;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.RetriableException;

import java.util.function.BooleanSupplier;

/**
 * Kafka Connect's retry-with-tolerance for conversions and transforms: a {@link RetriableException}
 * is retried with doubling waits (300 ms up to {@code errors.retry.delay.max.ms}) for
 * {@code errors.retry.timeout} ms (-1: for ever); what still fails stops the task under
 * {@code errors.tolerance=none}, or is skipped under {@code all}, reported to the dead-letter queue
 * when there is one. Used by one task's thread.
 */
final class ErrorPolicy {
    private static final System.Logger LOG = System.getLogger(ErrorPolicy.class.getName());
    private static final long FIRST_DELAY_MS = 300;

    private final ConnectorTaskId id;
    private final long retryTimeoutMs;
    private final long maxDelayMs;
    private final boolean tolerateAll;
    private final boolean logErrors;
    private final DeadLetterQueue dlq;
    private final Time time;
    private final BooleanSupplier stopping;
    private long failures;

    ErrorPolicy(ConnectorTaskId id, ConnectorConfig config, DeadLetterQueue dlq, Time time, BooleanSupplier stopping) {
        this.id = id;
        this.retryTimeoutMs = config.values().getLong("errors.retry.timeout");
        this.maxDelayMs = config.values().getLong("errors.retry.delay.max.ms");
        this.tolerateAll = config.values().getString("errors.tolerance").equalsIgnoreCase("all");
        this.logErrors = config.values().getBoolean("errors.log.enable");
        this.dlq = dlq;
        this.time = time;
        this.stopping = stopping;
    }

    /** One step of a record's pipeline (a conversion, the transforms), created once per task so that a record costs no lambda. */
    @FunctionalInterface
    interface Step<I, O> {
        O apply(I input) throws Exception;
    }

    /**
     * Runs {@code step} on {@code input} under the policy. The first try costs nothing but the call
     * (no clock read); the retry window of {@code errors.retry.timeout} is counted from its failure.
     *
     * @param original the consumed record it works on (sink tasks), else null
     * @throws ConnectException "Tolerance exceeded in error handler" when the task must stop
     */
    <I, O> Attempt<O> execute(Stage stage, Step<I, O> step, I input, ConsumerRecord original) {
        try {
            return new Attempt.Done<>(step.apply(input));
        } catch (Exception e) {
            return retry(stage, step, input, original, e);
        }
    }

    private <I, O> Attempt<O> retry(Stage stage, Step<I, O> step, I input, ConsumerRecord original, Exception first) {
        long start = time.milliseconds();
        long delay = FIRST_DELAY_MS;
        Exception e = first;
        while (e instanceof RetriableException && !stopping.getAsBoolean()
                && (retryTimeoutMs == -1 || time.milliseconds() - start + delay <= retryTimeoutMs)) {
            Exception failure = e;
            LOG.log(System.Logger.Level.DEBUG, () -> id + ": retrying " + stage + " after " + failure);
            sleep(delay);
            delay = Math.min(delay * 2, maxDelayMs);
            try {
                return new Attempt.Done<>(step.apply(input));
            } catch (Exception again) {
                e = again;
            }
        }
        return failed(stage, e, original);
    }

    private <T> Attempt<T> failed(Stage stage, Exception e, ConsumerRecord original) {
        failures++;
        if (logErrors) {
            LOG.log(System.Logger.Level.ERROR, id + ": " + stage + " failed"
                    + (original == null ? "" : " for " + original.topic() + "-" + original.partition() + "@"
                    + original.offset()), e);
        }
        if (!tolerateAll) {
            throw new ConnectException("Tolerance exceeded in error handler", e);
        }
        if (dlq != null && original != null) {
            dlq.report(original, stage, e);
        }
        return new Attempt.Skipped<>(e);
    }

    long failures() {
        return failures;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while retrying", e);
        }
    }
}

package dev.sluice.api;

/**
 * Where timers run, beside {@link Time} (where time is read): tasks once after a delay or
 * repeatedly at a fixed delay, cancellable. Production code takes a {@code Scheduler} instead of
 * creating timer threads, so tests can pass a manual one that runs due tasks on the test's thread
 * when the test moves time.
 *
 * <p>Threading contract, for every implementation:
 * <ul>
 *   <li>{@link #schedule}, {@link #scheduleWithFixedDelay} and {@link Task#cancel} may be called
 *       from any thread, including from inside a running task.</li>
 *   <li>Tasks of one scheduler run one at a time, never concurrently with each other, on the
 *       scheduler's thread (the {@linkplain #newThread real one}: its own daemon thread; a manual
 *       one: the thread that advances time). A task must not block for long: it delays the others.</li>
 *   <li>Due tasks run in deadline order; tasks with equal deadlines in the order they were scheduled.</li>
 *   <li>A cancelled task does not start afterwards; one already running finishes. Callers that
 *       must ignore a task that fired just as it was cancelled check a token of their own.</li>
 *   <li>A task that throws is logged; a periodic task is still rescheduled.</li>
 *   <li>After {@link #close} nothing more runs and new tasks are ignored (returned already cancelled).</li>
 * </ul>
 */
public interface Scheduler extends AutoCloseable {

    /** Runs {@code task} once, {@code delayMs} (at least 0) from now. */
    Task schedule(Runnable task, long delayMs);

    /** Runs {@code task} first after {@code initialDelayMs}, then {@code delayMs} after each run ends. */
    Task scheduleWithFixedDelay(Runnable task, long initialDelayMs, long delayMs);

    /** Stops: pending tasks never run. Does not wait for a running task. */
    @Override
    void close();

    /** A scheduled task. */
    interface Task {
        /** Stops the task from running (again); harmless if it ran or was cancelled already. */
        void cancel();

        boolean isCancelled();
    }

    /** A real scheduler with one daemon thread of its own, named {@code threadName}. */
    static Scheduler newThread(String threadName) {
        return new ThreadScheduler(threadName);
    }
}

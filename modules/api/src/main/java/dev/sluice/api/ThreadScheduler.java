package dev.sluice.api;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link Scheduler} on one daemon thread (a single-threaded {@link ScheduledThreadPoolExecutor}:
 * cancelled tasks are removed at once, so cancelled session and fetch timeouts do not pile up).
 * Thread-safe per {@link Scheduler}'s contract.
 */
final class ThreadScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(ThreadScheduler.class.getName());

    private final ScheduledThreadPoolExecutor executor;
    private final String name;

    ThreadScheduler(String name) {
        this.name = name;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Task schedule(Runnable task, long delayMs) {
        try {
            return new FutureTask(executor.schedule(guarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException closed) {
            return CANCELLED;
        }
    }

    @Override
    public Task scheduleWithFixedDelay(Runnable task, long initialDelayMs, long delayMs) {
        try {
            return new FutureTask(executor.scheduleWithFixedDelay(guarded(task), Math.max(0, initialDelayMs),
                    delayMs, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException closed) {
            return CANCELLED;
        }
    }

    /** An exception would silently end a periodic task in the executor: log it and go on. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "task on " + name + " failed", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private record FutureTask(ScheduledFuture<?> future) implements Task {
        @Override
        public void cancel() {
            future.cancel(false);
        }

        @Override
        public boolean isCancelled() {
            return future.isCancelled();
        }
    }

    private static final Task CANCELLED = new Task() {
        @Override
        public void cancel() {
        }

        @Override
        public boolean isCancelled() {
            return true;
        }
    };
}

package dev.sluice.api.testing;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test support shared by every module's tests (the api test-jar): a {@link Time} that moves only
 * when the test calls {@link #advance}, and a {@link Scheduler} on that time that runs due tasks
 * on the thread calling {@code advance}, in deadline order, each with the clock set to its
 * deadline. No thread of its own, so tests are deterministic and never sleep.
 *
 * <p>Threads: any thread may read the time and schedule or cancel tasks; tasks run only inside
 * {@link #advance} / {@link #runDueTasks}, which one thread at a time should call. Unlike the
 * real scheduler, a task that throws fails that {@code advance} call: a test wants to see it.
 */
public final class ManualClock implements Time, Scheduler {
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long nowMs;
    private long nanos;
    private long sequence;
    private boolean closed;

    public ManualClock(long startMs) {
        this.nowMs = startMs;
    }

    public ManualClock() {
        this(1_700_000_000_000L);
    }

    @Override
    public synchronized long milliseconds() {
        return nowMs;
    }

    @Override
    public synchronized long nanoseconds() {
        return nanos;
    }

    /**
     * Moves time forward by {@code ms}, running every task that falls due on the way (including
     * tasks those tasks schedule within the span), then leaves the clock at the end of the span.
     */
    public void advance(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("time only moves forward");
        }
        long target;
        synchronized (this) {
            target = nowMs + ms;
        }
        while (true) {
            Entry due;
            synchronized (this) {
                due = queue.peek();
                if (due == null || due.dueMs > target) {
                    moveTo(target);
                    return;
                }
                queue.poll();
                moveTo(due.dueMs);
            }
            due.run(); // outside the lock: the task may schedule, cancel or read the time
        }
    }

    /** Runs the tasks already due, without moving time. */
    public void runDueTasks() {
        advance(0);
    }

    /** Tasks waiting to run (not cancelled). */
    public synchronized int pending() {
        return (int) queue.stream().filter(e -> !e.cancelled).count();
    }

    /** Milliseconds until the next task is due, or -1 if none waits. */
    public synchronized long untilNextTask() {
        return queue.stream().filter(e -> !e.cancelled).mapToLong(e -> e.dueMs - nowMs).min().orElse(-1);
    }

    private void moveTo(long ms) {
        if (ms > nowMs) {
            nanos += TimeUnit.MILLISECONDS.toNanos(ms - nowMs);
            nowMs = ms;
        }
    }

    @Override
    public Task schedule(Runnable task, long delayMs) {
        return add(task, delayMs, -1);
    }

    @Override
    public Task scheduleWithFixedDelay(Runnable task, long initialDelayMs, long delayMs) {
        if (delayMs <= 0) {
            throw new IllegalArgumentException("delayMs must be positive: " + delayMs);
        }
        return add(task, initialDelayMs, delayMs);
    }

    private synchronized Entry add(Runnable task, long delayMs, long periodMs) {
        Entry entry = new Entry(task, nowMs + Math.max(0, delayMs), periodMs, sequence++);
        if (closed) {
            entry.cancelled = true;
        } else {
            queue.add(entry);
        }
        return entry;
    }

    @Override
    public synchronized void close() {
        closed = true;
        queue.forEach(e -> e.cancelled = true);
        queue.clear();
    }

    private final class Entry implements Task, Comparable<Entry> {
        final Runnable task;
        final long periodMs;
        long dueMs;
        long seq;
        volatile boolean cancelled;

        Entry(Runnable task, long dueMs, long periodMs, long seq) {
            this.task = task;
            this.dueMs = dueMs;
            this.periodMs = periodMs;
            this.seq = seq;
        }

        void run() {
            if (cancelled) {
                return;
            }
            try {
                task.run();
            } finally {
                if (periodMs > 0) {
                    synchronized (ManualClock.this) {
                        if (!cancelled && !closed) {
                            dueMs = nowMs + periodMs;
                            seq = sequence++;
                            queue.add(this);
                        }
                    }
                }
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            synchronized (ManualClock.this) {
                queue.remove(this);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public int compareTo(Entry o) {
            int byTime = Long.compare(dueMs, o.dueMs);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }
    }
}

package dev.sluice.broker.delay;

import dev.sluice.api.Scheduler;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kafka's "purgatory", lean: operations wait on keys (partitions) until {@link #checkAndComplete}
 * is called for one of their keys and their condition holds, or until their timeout. No thread
 * polls: appends wake waiters, a {@link Scheduler} expires them.
 *
 * <p>Threads: any thread may watch and check keys; expiry runs on the scheduler's thread. Each
 * operation completes exactly once (its {@code tryComplete} returning true, or {@code onExpire}),
 * whichever thread gets there first.
 *
 * @param <K> what operations watch (e.g. a TopicPartition)
 */
public final class DelayedOperations<K> implements AutoCloseable {
    private final Map<K, List<Waiter>> watchers = new ConcurrentHashMap<>();
    private final Scheduler timer;
    private final boolean ownsTimer;

    /** Expires operations on a timer thread of its own, {@code sluice-<name>-timer}, closed with this. */
    public DelayedOperations(String name) {
        this(Scheduler.newThread("sluice-" + name + "-timer"), true);
    }

    /** Expires operations on {@code timer}, which the caller owns (and closes). */
    public DelayedOperations(Scheduler timer) {
        this(timer, false);
    }

    private DelayedOperations(Scheduler timer, boolean ownsTimer) {
        this.timer = timer;
        this.ownsTimer = ownsTimer;
    }

    /**
     * Completes {@code operation} now if it can; otherwise parks it on {@code keys} until a key is
     * checked and it can complete, or {@code timeoutMs} passes.
     */
    public void tryCompleteElseWatch(DelayedOperation operation, Collection<K> keys, long timeoutMs) {
        if (operation.tryComplete()) {
            return;
        }
        Waiter waiter = new Waiter(operation, keys);
        for (K key : keys) {
            watchers.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(waiter);
        }
        // the condition may have become true while we registered
        if (waiter.tryComplete()) {
            return;
        }
        waiter.timeout = timer.schedule(waiter::expire, timeoutMs);
        if (waiter.done.get()) {
            waiter.timeout.cancel();
        }
    }

    /** Something changed for {@code key}: lets the operations waiting on it try to complete. */
    public void checkAndComplete(K key) {
        List<Waiter> list = watchers.get(key);
        if (list == null || list.isEmpty()) {
            return;
        }
        for (Waiter waiter : list) {
            waiter.tryComplete();
        }
    }

    /** Number of operations still waiting (for tests and metrics). */
    public int waiting() {
        return (int) watchers.values().stream().flatMap(List::stream).filter(w -> !w.done.get()).distinct().count();
    }

    @Override
    public void close() {
        if (ownsTimer) {
            timer.close();
        }
        for (List<Waiter> list : watchers.values()) {
            for (Waiter waiter : list) {
                waiter.expire();
            }
        }
        watchers.clear();
    }

    private final class Waiter {
        final DelayedOperation operation;
        final Collection<K> keys;
        final AtomicBoolean done = new AtomicBoolean();
        volatile Scheduler.Task timeout;

        Waiter(DelayedOperation operation, Collection<K> keys) {
            this.operation = operation;
            this.keys = keys;
        }

        /** Serialised per waiter so the operation never runs its completion twice. */
        synchronized boolean tryComplete() {
            if (done.get()) {
                return true;
            }
            if (operation.tryComplete()) {
                finish();
                return true;
            }
            return false;
        }

        synchronized void expire() {
            if (done.get()) {
                return;
            }
            finish();
            operation.onExpire();
        }

        private void finish() {
            done.set(true);
            Scheduler.Task t = timeout;
            if (t != null) {
                t.cancel();
            }
            for (K key : keys) {
                List<Waiter> list = watchers.get(key);
                if (list != null) {
                    list.remove(this); // empty lists stay: one per partition, and removing them races with adds
                }
            }
        }
    }
}

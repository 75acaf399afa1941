package dev.sluice.broker.delay;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kafka's "purgatory", lean: operations wait on keys (partitions) until {@link #checkAndComplete}
 * is called for one of their keys and their condition holds, or until their timeout. No thread
 * polls: appends wake waiters, one timer thread expires them.
 *
 * @param <K> what operations watch (e.g. a TopicPartition)
 */
public final class DelayedOperations<K> implements AutoCloseable {
    private final Map<K, List<Waiter>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public DelayedOperations(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sluice-" + name + "-timer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
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
        waiter.timeout = timer.schedule(waiter::expire, timeoutMs, TimeUnit.MILLISECONDS);
        if (waiter.done.get()) {
            waiter.timeout.cancel(false);
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
        timer.shutdownNow();
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
        volatile ScheduledFuture<?> timeout;

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
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
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

package dev.sluice.storage.file.log;

import dev.sluice.api.Scheduler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deletions of files that readers may still be sending from: segments removed by retention,
 * DeleteRecords or truncation, and the directories of deleted partitions. Their files were
 * already renamed out of the way ({@code .deleted}, {@code -delete}) and their channels stay
 * open, so a zero-copy send handed out before the removal completes; after
 * {@code file.delete.delay.ms} the deletion closes the channels and removes the files, as
 * Kafka's {@code LogManager} does. A crash in between leaves renamed files that start-up removes.
 *
 * <p>Threads: {@link #later} from any log's writer and from the engine; the deletions run on the
 * scheduler's thread, or on the closing thread in {@link #close()} (which runs those still
 * pending at once, so a clean shutdown leaves nothing behind).
 */
public final class DelayedDeletes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DelayedDeletes.class.getName());

    /** Deletes at once, delay or not: for a log used on its own (tests, tools). */
    public static final DelayedDeletes IMMEDIATE = new DelayedDeletes(null, false);

    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final Map<Runnable, Scheduler.Task> pending = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param scheduler     where the deletions wait; null deletes immediately
     * @param ownsScheduler whether {@link #close()} closes it
     */
    public DelayedDeletes(Scheduler scheduler, boolean ownsScheduler) {
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
    }

    /** Runs {@code deletion} after {@code delayMs} (at once if 0, or if this is closed or immediate). */
    public void later(long delayMs, Runnable deletion) {
        Objects.requireNonNull(deletion, "deletion");
        synchronized (this) {
            if (scheduler != null && delayMs > 0 && !closed) {
                Runnable once = new Runnable() {
                    @Override
                    public void run() {
                        if (claim(this)) {
                            runGuarded(deletion);
                        }
                    }
                };
                pending.put(once, scheduler.schedule(once, delayMs));
                return;
            }
        }
        runGuarded(deletion);
    }

    /** Deletions scheduled and not run yet. */
    public synchronized int pending() {
        return pending.size();
    }

    /** True if {@code task} was still pending: only one of the timer and {@link #close()} runs it. */
    private synchronized boolean claim(Runnable task) {
        return pending.remove(task) != null;
    }

    private static void runGuarded(Runnable deletion) {
        try {
            deletion.run();
        } catch (RuntimeException e) {
            // the renamed files stay until the next start-up removes them
            LOG.log(System.Logger.Level.WARNING, "delayed file deletion failed; the next start-up retries it", e);
        }
    }

    /** Runs every pending deletion now; later ones run at once. */
    @Override
    public void close() {
        List<Runnable> now;
        synchronized (this) {
            closed = true;
            now = new ArrayList<>(pending.keySet());
            pending.values().forEach(Scheduler.Task::cancel);
        }
        for (Runnable task : now) {
            task.run(); // claims it, unless the timer just did
        }
        if (ownsScheduler) {
            scheduler.close();
        }
    }
}

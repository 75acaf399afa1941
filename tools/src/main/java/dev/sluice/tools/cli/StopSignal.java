package dev.sluice.tools.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM for a command that runs until stopped: the JVM's shutdown hook
 * raises {@link #stopping()}, runs the command's {@code onStop} (e.g. flush what was read) and,
 * for a command whose loop checks {@link #stopping()}, waits for it to finish its own way (print
 * totals, commit offsets) instead of the process dying mid-line.
 */
public final class StopSignal implements AutoCloseable {
    private static final long GRACE_MS = 10_000;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean stopping;

    private StopSignal(Runnable onStop, boolean awaitCommand) {
        this.hook = new Thread(() -> {
            stopping = true;
            onStop.run();
            try {
                if (awaitCommand) {
                    finished.await(GRACE_MS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sluice-stop");
    }

    /** For a loop that checks {@link #stopping()}: the shutdown waits until {@link #close()}. */
    public static StopSignal install() {
        return install(() -> { }, true);
    }

    /**
     * @param onStop       runs in the shutdown hook
     * @param awaitCommand wait for {@link #close()} (up to 10 s); false for a command blocked in a
     *                     read that no signal interrupts, such as reading standard input
     */
    public static StopSignal install(Runnable onStop, boolean awaitCommand) {
        StopSignal signal = new StopSignal(onStop, awaitCommand);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    public boolean stopping() {
        return stopping;
    }

    /** The command is done: lets a waiting shutdown proceed, or removes the hook. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and will see the latch
        }
    }
}

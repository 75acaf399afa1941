package dev.sluice.connect.runtime;

import dev.sluice.connect.api.ConnectException;


/**
 * One task running on its own thread: the common life cycle (start, run until stopped, pause and
 * resume, report every state) around the source or sink loop. {@link #stop}, {@link #pause},
 * {@link #resume} come from other threads (volatile flags and this object's monitor); everything
 * else runs on the task's thread.
 */
abstract class WorkerTask implements Runnable {
    private static final System.Logger LOG = System.getLogger(WorkerTask.class.getName());

    protected final ConnectorTaskId id;
    protected final String workerId;
    private final TaskStatusListener listener;
    private volatile boolean stopping;
    private volatile boolean paused;
    private volatile boolean reportedPaused;
    private final Thread thread;

    WorkerTask(ConnectorTaskId id, String workerId, TaskStatusListener listener, boolean startPaused) {
        this.id = id;
        this.workerId = workerId;
        this.listener = listener;
        this.paused = startPaused;
        this.thread = new Thread(this, "connect-task-" + id);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public final void run() {
        try {
            initializeAndStart();
            listener.onStatus(id, new Status(paused ? State.PAUSED : State.RUNNING, workerId, null));
            reportedPaused = paused;
            execute();
            listener.onStatus(id, Status.unassigned(workerId));
        } catch (Throwable t) {
            if (stopping && t instanceof InterruptedException) {
                listener.onStatus(id, Status.unassigned(workerId));
            } else {
                LOG.log(System.Logger.Level.ERROR, "task " + id + " failed", t);
                listener.onStatus(id, Status.failed(workerId, t));
            }
        } finally {
            try {
                release();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "task " + id + ": releasing failed", e);
            }
        }
    }

    /** Creates what the loop needs and starts the plugin's task. */
    protected abstract void initializeAndStart();

    /** The loop; returns when {@link #isStopping()}, after committing. */
    protected abstract void execute() throws Exception;

    /** Closes clients and the plugin; always called, also after a failure. */
    protected abstract void release();

    /** Called from another thread so that a blocked call returns soon (the plugin task's stop). */
    protected void wakeUp() {
    }

    protected final boolean isStopping() {
        return stopping;
    }

    protected final boolean isPaused() {
        return paused;
    }

    /** On the task's thread: reports a pause or resume once, and waits briefly while paused (sources). */
    protected final boolean checkPaused(boolean wait) throws InterruptedException {
        boolean p = paused;
        if (p != reportedPaused) {
            reportedPaused = p;
            listener.onStatus(id, new Status(p ? State.PAUSED : State.RUNNING, workerId, null));
        }
        if (p && wait) {
            synchronized (this) {
                if (paused && !stopping) {
                    wait(200);
                }
            }
        }
        return p;
    }

    void pause() {
        paused = true;
    }

    void resume() {
        synchronized (this) {
            paused = false;
            notifyAll();
        }
    }

    /** Asks the task to stop without waiting. */
    void requestStop() {
        stopping = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            wakeUp();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "task " + id + ": stop failed", e);
        }
    }

    /** Asks the task to stop; waits up to {@code timeoutMs} for its thread. */
    boolean stop(long timeoutMs) {
        if (!stopping) {
            requestStop();
        }
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "task " + id + " did not stop within " + timeoutMs + " ms; interrupting it");
            thread.interrupt();
            return false;
        }
        return true;
    }

    static ConnectException unwrap(Throwable t) {
        return t instanceof ConnectException c ? c : new ConnectException(t.getMessage(), t);
    }
}

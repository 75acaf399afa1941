package dev.sluice.replication.fetch;

/**
 * The thread of one {@link ReplicaFetcher} ({@code sluice-replica-fetcher-...}): rounds until
 * closed, waiting between them only when nothing is ready. An unexpected failure of a round is
 * logged and backed off; it never ends the thread.
 *
 * <p>Threads: its own; {@link #close} from the broker's request handler or shutdown.
 */
public final class FetcherThread implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FetcherThread.class.getName());
    private static final long FAILURE_BACKOFF_MS = 1_000;

    private final ReplicaFetcher fetcher;
    private final Thread thread;
    private volatile boolean running = true;

    public FetcherThread(String name, ReplicaFetcher fetcher) {
        this.fetcher = fetcher;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public ReplicaFetcher fetcher() {
        return fetcher;
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                long waitMs = fetcher.doWork();
                if (waitMs > 0 && running) {
                    fetcher.awaitChange(waitMs);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(System.Logger.Level.ERROR, thread.getName() + ": fetch round failed", e);
                try {
                    fetcher.awaitChange(FAILURE_BACKOFF_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Stops the thread (a fetch in flight fails as the connection closes) and waits for it. */
    @Override
    public void close() {
        running = false;
        fetcher.leader().close();
        fetcher.wakeup();
        try {
            thread.join(10_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

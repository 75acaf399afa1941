package dev.sluice.client.network;

import dev.sluice.client.ClientClosedException;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The client's I/O thread and its loop: run the tasks other threads handed over, run the
 * {@link NetworkClient.Ticker}s, let the {@link ConnectionDriver} handle deadlines and
 * reconnects, then select for as long as nothing is due and handle what became ready.
 * On exit (close or a failure of the loop itself) every connection is closed and every request
 * still pending fails with {@link ClientClosedException}.
 *
 * <p>Threads: {@link #post}, {@link #wakeup}, {@link #addTicker}, {@link #removeTicker},
 * {@link #running()} and {@link #close} from any thread; the loop on its own thread.
 */
final class IoLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetworkClient.class.getName());
    private static final long MAX_SLEEP_MS = 1000;

    private final Selector selector;
    private final ConnectionDriver driver;
    private final LongSupplier clockMs;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<NetworkClient.Ticker> tickers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    IoLoop(String threadName, Selector selector, ConnectionDriver driver, LongSupplier clockMs) {
        this.selector = selector;
        this.driver = driver;
        this.clockMs = clockMs;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean running() {
        return running;
    }

    boolean onIoThread() {
        return Thread.currentThread() == thread;
    }

    void addTicker(NetworkClient.Ticker ticker) {
        tickers.add(ticker);
    }

    void removeTicker(NetworkClient.Ticker ticker) {
        tickers.remove(ticker);
    }

    void wakeup() {
        selector.wakeup();
    }

    /** Queues {@code task} for the I/O thread and wakes it; callers check {@link #running()}. */
    void post(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    private void run() {
        try {
            while (running) {
                runTasks();
                long now = clockMs.getAsLong();
                long sleep = MAX_SLEEP_MS;
                for (NetworkClient.Ticker ticker : tickers) {
                    try {
                        sleep = Math.min(sleep, ticker.tick(now));
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "client background task failed", e);
                    }
                }
                sleep = Math.min(sleep, driver.maintain(clockMs.getAsLong(), MAX_SLEEP_MS));
                if (!tasks.isEmpty()) {
                    sleep = 0;
                }
                if (sleep <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(sleep);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    driver.handle(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "client I/O thread failed", e);
        } finally {
            shutdown();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "client task failed", e);
            }
        }
    }

    private void shutdown() {
        running = false;
        ClientClosedException closed = new ClientClosedException("client is closed");
        driver.closeAll(closed);
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run(); // enqueues land in connections already closed: fail them below
            } catch (RuntimeException ignored) {
                // closing
            }
        }
        driver.failQueued(closed);
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** Stops the loop and waits for it (unless called on it); pending requests fail as closed. */
    @Override
    public void close() {
        running = false;
        wakeup();
        if (thread.isAlive() && !onIoThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            shutdown();
        }
    }
}

package dev.sluice.broker.partition;

import dev.sluice.api.storage.LogClosedException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The thread that fills future replicas (Kafka's ReplicaAlterLogDirsThread): round-robin over the
 * moves in progress, a chunk of at most {@value #CHUNK_BYTES} bytes each, at most
 * {@code replica.alter.log.dirs.io.max.bytes.per.second} over all moves; a copy that reached its
 * log's end is swapped in by its engine ({@link SpreadEngine#complete}). Started with the first
 * move, stopped by {@link #close} before the engines close.
 *
 * <p>Threads: {@link #add} from request-handler threads (under the engine's lock), the loop on
 * {@code sluice-log-dir-mover}; the list of moves is guarded by this object's monitor.
 */
final class LogDirMover implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogDirMover.class.getName());
    static final int CHUNK_BYTES = 1 << 20;

    private record Move(SpreadEngine engine, RelocatableLog log, FutureLog future) { }

    private final List<Move> moves = new ArrayList<>();
    private final long bytesPerSecond;
    private Thread thread;
    private boolean closed;

    LogDirMover(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    synchronized void add(SpreadEngine engine, RelocatableLog log, FutureLog future) {
        if (closed) {
            return;
        }
        moves.add(new Move(engine, log, future));
        if (thread == null) {
            thread = new Thread(this::run, "sluice-log-dir-mover");
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll();
    }

    private void run() {
        List<Move> round;
        while ((round = nextRound()) != null) {
            for (Move move : round) {
                int copied = step(move);
                if (copied > 0 && bytesPerSecond < Long.MAX_VALUE) {
                    pause(TimeUnit.SECONDS.toNanos(copied) / bytesPerSecond);
                }
            }
        }
    }

    /** The moves to step through next, waiting while there are none; null once closed. */
    private synchronized List<Move> nextRound() {
        moves.removeIf(m -> m.future().cancelled || m.log().future() != m.future());
        while (moves.isEmpty() && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                return null;
            }
            moves.removeIf(m -> m.future().cancelled || m.log().future() != m.future());
        }
        return closed ? null : List.copyOf(moves);
    }

    /** One chunk of one move, and the swap once its copy has caught up; the bytes copied. */
    private int step(Move move) {
        FutureLog future = move.future();
        if (future.cancelled) {
            return 0;
        }
        try {
            int copied = future.copy(move.log().current(), CHUNK_BYTES);
            if (copied < CHUNK_BYTES / 2) { // the read reached the log end: what is left is copied under the gate
                move.engine().complete(move.log(), future);
            }
            return copied;
        } catch (LogClosedException e) {
            move.engine().cancel(move.log(), future, "the log was closed (deleted, or the broker stops)");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "moving " + future.partition() + " between log directories failed;"
                    + " it stays where it was", e);
            move.engine().cancel(move.log(), future, "failed: " + e);
        }
        return 0;
    }

    private synchronized void pause(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        while (!closed && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops the thread after its current chunk; moves not swapped in stay future replicas (resumed at start-up). */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = thread;
            notifyAll();
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

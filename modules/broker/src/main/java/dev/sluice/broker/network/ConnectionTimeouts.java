package dev.sluice.broker.network;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * When a processor's connections have waited too long and must close, each closing logged and counted:
 * a TLS handshake not done within {@code socket.request.receive.timeout.ms} of the accept, a request frame
 * not complete that long after its size arrived (a client announcing a frame and trickling or withholding
 * its bytes would otherwise hold its buffer, and the memory budget, forever), and silence longer than
 * {@code connections.max.idle.ms} while nothing is owed to the client. The processor sweeps its
 * connections with {@link #overdue} at most every {@link #sweepIntervalNanos()}.
 *
 * <p>Threads: the owning {@link Processor}'s only.
 */
final class ConnectionTimeouts {
    private static final System.Logger LOG = System.getLogger(Processor.class.getName());

    private final SocketServerConfig config;
    private final NetworkMetrics metrics;
    private final long idleNanos;
    private final long frameTimeoutNanos;
    private final long sweepIntervalNanos;
    private long nextSweep;

    ConnectionTimeouts(SocketServerConfig config, NetworkMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(config.connectionsMaxIdleMs());
        this.frameTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.requestReceiveTimeoutMs());
        this.sweepIntervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
                Math.min(Math.min(idleNanos, frameTimeoutNanos) / 4, TimeUnit.SECONDS.toNanos(1)));
    }

    /** How often the connections are swept: a quarter of the shorter timeout, between 5 ms and 1 s. */
    long sweepIntervalNanos() {
        return sweepIntervalNanos;
    }

    /** True (and the next sweep scheduled) if a sweep is due at {@code nowNanos}. */
    boolean sweepDue(long nowNanos) {
        if (nowNanos - nextSweep < 0) {
            return false;
        }
        nextSweep = nowNanos + sweepIntervalNanos;
        return true;
    }

    /** True if {@code c} must close now; the reason is logged and counted here. */
    boolean overdue(Connection c, long nowNanos) {
        if (c.handshaking() && nowNanos - c.adoptedNanos > frameTimeoutNanos) {
            metrics.tlsHandshakeFailures.increment();
            LOG.log(Level.INFO, () -> "closing " + c + ": its TLS handshake did not complete within "
                    + "socket.request.receive.timeout.ms (" + config.requestReceiveTimeoutMs() + " ms)");
            return true;
        }
        if (c.reader.overdue(nowNanos, frameTimeoutNanos)) {
            metrics.framesTimedOut.increment();
            LOG.log(Level.DEBUG, () -> "closing " + c + ": a request frame did not arrive within "
                    + "socket.request.receive.timeout.ms (" + config.requestReceiveTimeoutMs() + " ms)");
            return true;
        }
        if (!c.busy() && nowNanos - c.lastActiveNanos > idleNanos) {
            LOG.log(Level.DEBUG, () -> "closing " + c + ": idle longer than connections.max.idle.ms");
            return true;
        }
        return false;
    }
}

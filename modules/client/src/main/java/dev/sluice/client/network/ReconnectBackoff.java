package dev.sluice.client.network;

import dev.sluice.client.config.ClientConfig;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When a connection may be opened again: exponential backoff from {@code reconnect.backoff.ms}
 * up to {@code reconnect.backoff.max.ms} per consecutive failure, with ±20% jitter so clients
 * that lost the same broker do not all come back at once.
 *
 * <p>Threads: the client's I/O thread only.
 */
final class ReconnectBackoff {
    private long nextConnectMs;
    private int failures;

    boolean mayConnect(long nowMs) {
        return nowMs >= nextConnectMs;
    }

    /** Ms until a connect may be tried; not positive if it may be tried now. */
    long remainingMs(long nowMs) {
        return nextConnectMs - nowMs;
    }

    /** The connection failed or closed at {@code nowMs}: wait longer before the next attempt. */
    void failed(long nowMs, ClientConfig config) {
        failures++;
        long backoff = Math.min(config.reconnectBackoffMaxMs(),
                config.reconnectBackoffMs() << Math.min(failures - 1, 20));
        nextConnectMs = nowMs + (long) (backoff * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }

    /** The connection is ready: the next failure starts from the base backoff. */
    void succeeded() {
        failures = 0;
    }

    /** May connect again at once (the client closed the connection, not the broker). */
    void reset() {
        nextConnectMs = 0;
        failures = 0;
    }
}

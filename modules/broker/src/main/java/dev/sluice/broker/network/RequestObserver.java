package dev.sluice.broker.network;

/**
 * Told of every request once it is finished: its response written, or completed without one, or
 * its connection closed. The request's timestamps ({@link NetworkRequest#receivedNanos()} ...
 * {@code endNanos}) are then final. Called on the request's network thread: must be quick and
 * must not block (the metrics' striped counters).
 */
@FunctionalInterface
public interface RequestObserver {
    RequestObserver NONE = (request, endNanos) -> { };

    void requestDone(NetworkRequest request, long endNanos);
}

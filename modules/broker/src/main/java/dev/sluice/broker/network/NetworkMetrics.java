package dev.sluice.broker.network;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the network layer, updated by its threads and readable from any thread. */
public final class NetworkMetrics {
    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder connectionsClosed = new LongAdder();
    final LongAdder requestsReceived = new LongAdder();
    final LongAdder responsesSent = new LongAdder();
    final LongAdder invalidFrames = new LongAdder();
    final LongAdder framesTimedOut = new LongAdder();
    final LongAdder acceptFailures = new LongAdder();
    final LongAdder tlsHandshakeFailures = new LongAdder();
    final LongAdder tlsHandshakes = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final AtomicInteger activeConnections = new AtomicInteger();
    /** Nanoseconds the processors spent waiting in select, summed over them. */
    final LongAdder processorIdleNanos = new LongAdder();
    /** Nanoseconds the request handlers spent waiting for a request, summed over them. */
    final LongAdder handlerIdleNanos = new LongAdder();

    NetworkMetrics() {
    }

    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    /** Connections closed straight after accept because {@code max.connections} was reached. */
    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    public int activeConnections() {
        return activeConnections.get();
    }

    public long requestsReceived() {
        return requestsReceived.sum();
    }

    public long responsesSent() {
        return responsesSent.sum();
    }

    /** Frames rejected for their declared size (connection closed). */
    public long invalidFrames() {
        return invalidFrames.sum();
    }

    /** Connections closed because a request frame did not arrive within {@code socket.request.receive.timeout.ms}. */
    public long framesTimedOut() {
        return framesTimedOut.sum();
    }

    /** Accepts that failed (e.g. too many open files); each pauses accepting briefly. */
    public long acceptFailures() {
        return acceptFailures.sum();
    }

    /** TLS handshakes completed (connections that went on to speak Kafka over TLS). */
    public long tlsHandshakes() {
        return tlsHandshakes.sum();
    }

    /**
     * TLS connections closed because their handshake failed (untrusted or expired certificate, no common
     * protocol, not TLS at all), timed out or their certificate's subject matched no principal mapping rule.
     */
    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    /** Nanoseconds all network processors together spent idle (waiting for I/O), since start. */
    public long processorIdleNanos() {
        return processorIdleNanos.sum();
    }

    /** Nanoseconds all request handler threads together spent idle (waiting for a request), since start. */
    public long handlerIdleNanos() {
        return handlerIdleNanos.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    @Override
    public String toString() {
        return "NetworkMetrics{active=" + activeConnections() + ", accepted=" + connectionsAccepted()
                + ", refused=" + connectionsRefused() + ", closed=" + connectionsClosed()
                + ", requests=" + requestsReceived() + ", responses=" + responsesSent()
                + ", invalidFrames=" + invalidFrames() + ", framesTimedOut=" + framesTimedOut()
                + ", tlsHandshakeFailures=" + tlsHandshakeFailures() + ", bytesIn=" + bytesIn() + ", bytesOut=" + bytesOut() + "}";
    }
}

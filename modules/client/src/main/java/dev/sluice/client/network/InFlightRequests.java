package dev.sluice.client.network;

import dev.sluice.protocol.Send;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests of one connection in their three stages: queued (not yet written), being written
 * (at most one), and awaiting their response in wire order, which is the order responses arrive.
 * Queued requests survive a reconnect only until the connection fails; then every stage is
 * drained and failed together.
 *
 * <p>Threads: the client's I/O thread only.
 */
final class InFlightRequests {
    private final ArrayDeque<ClientRequest> queued = new ArrayDeque<>();
    private final ArrayDeque<ClientRequest> awaiting = new ArrayDeque<>();
    private Send writing;
    private ClientRequest writingRequest;

    void queue(ClientRequest request) {
        queued.add(request);
    }

    boolean hasQueued() {
        return !queued.isEmpty();
    }

    /** The oldest queued request, removed; null if none. */
    ClientRequest nextQueued() {
        return queued.poll();
    }

    /** Requests written or queued: what counts against max in-flight. */
    int load() {
        return awaiting.size() + queued.size() + (writing != null && !writingRequest.expectResponse ? 1 : 0);
    }

    /** How many written requests await their response. */
    int awaitingResponse() {
        return awaiting.size();
    }

    /** The written request whose response comes next (it has the earliest deadline); null if none. */
    ClientRequest oldestAwaiting() {
        return awaiting.peek();
    }

    /** The request the response just read answers, removed; null if none was in flight. */
    ClientRequest takeAnswered() {
        return awaiting.poll();
    }

    /** Removes and returns the oldest queued request if its deadline has passed; null otherwise. */
    ClientRequest takeExpiredQueued(long nowMs) {
        ClientRequest oldest = queued.peek();
        return oldest != null && oldest.deadlineMs <= nowMs ? queued.poll() : null;
    }

    /** The earliest deadline among the oldest awaiting and the oldest queued request; MAX_VALUE if none. */
    long nextDeadlineMs() {
        long next = Long.MAX_VALUE;
        if (!awaiting.isEmpty()) {
            next = awaiting.peek().deadlineMs;
        }
        if (!queued.isEmpty()) {
            next = Math.min(next, queued.peek().deadlineMs);
        }
        return next;
    }

    boolean isWriting() {
        return writing != null;
    }

    /** The bytes being written; null if none. */
    Send currentWrite() {
        return writing;
    }

    /** {@code request} goes on the wire as {@code send}; it awaits a response if it expects one. */
    void startWrite(Send send, ClientRequest request) {
        writing = send;
        writingRequest = request;
        if (request.expectResponse) {
            awaiting.add(request);
        }
    }

    /** The current write completed: returns its request. */
    ClientRequest finishWrite() {
        ClientRequest done = writingRequest;
        writing = null;
        writingRequest = null;
        return done;
    }

    /**
     * Empties every stage (the connection failed) and returns the requests to fail: one being
     * written without expecting a response, then those awaiting responses, then the queued ones
     * (callers re-route after a metadata refresh rather than wait for a reconnect).
     */
    List<ClientRequest> drainAll() {
        List<ClientRequest> drained = new ArrayList<>();
        if (writingRequest != null && !writingRequest.expectResponse) {
            drained.add(writingRequest);
        }
        writing = null;
        writingRequest = null;
        drained.addAll(awaiting);
        awaiting.clear();
        drained.addAll(queued);
        queued.clear();
        return drained;
    }

    /** Empties the queue (the client closed) and returns what was queued. */
    List<ClientRequest> drainQueued() {
        List<ClientRequest> drained = new ArrayList<>(queued);
        queued.clear();
        return drained;
    }
}

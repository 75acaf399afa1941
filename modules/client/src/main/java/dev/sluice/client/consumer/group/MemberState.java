package dev.sluice.client.consumer.group;

/**
 * The membership state the application thread (joining, in poll) and the I/O thread
 * (heartbeats) share; every method synchronizes. {@code onChange} wakes a poll that waits for
 * records, so a rebalance request is acted on at once instead of after the poll timeout.
 */
final class MemberState {
    private static final System.Logger LOG = System.getLogger(MemberState.class.getName());

    enum Phase {
        /** Not in the group (or between generations). */
        UNJOINED,
        /** JoinGroup or SyncGroup in flight. */
        REBALANCING,
        /** Has an assignment; heartbeats run. */
        STABLE
    }

    private final Runnable onChange;
    private Phase phase = Phase.UNJOINED;
    private Generation generation = Generation.NONE;
    private volatile boolean rejoinNeeded = true; // also read lock-free by a waiting poll
    private long lastPollMs;
    private boolean inPoll;
    private volatile RuntimeException failure;

    MemberState(Runnable onChange) {
        this.onChange = onChange;
        this.lastPollMs = System.nanoTime() / 1_000_000;
    }

    synchronized Phase phase() {
        return phase;
    }

    synchronized Generation generation() {
        return generation;
    }

    boolean rejoinNeeded() {
        return rejoinNeeded;
    }

    synchronized void joining() {
        phase = Phase.REBALANCING;
    }

    /** A JoinGroup answered: from now on this is our generation (even before the sync completes). */
    synchronized void joined(Generation next) {
        generation = next;
    }

    synchronized void memberId(String memberId) {
        generation = new Generation(generation.generationId(), memberId, generation.protocolName());
    }

    /** SyncGroup gave us an assignment for the generation we joined. */
    synchronized void stable() {
        phase = Phase.STABLE;
        rejoinNeeded = false;
    }

    // onChange runs outside our lock: it takes the poll's lock, which may be held while reading rejoinNeeded

    void requestRejoin(String reason) {
        synchronized (this) {
            if (!rejoinNeeded) {
                LOG.log(System.Logger.Level.DEBUG, () -> "rejoining group: " + reason);
            }
            rejoinNeeded = true;
        }
        onChange.run();
    }

    /**
     * The coordinator no longer knows our generation (or membership): whatever we own is lost.
     *
     * @param keepMemberId false when the member id itself is unknown to the coordinator
     */
    void resetGeneration(String reason, boolean keepMemberId) {
        synchronized (this) {
            Generation was = generation;
            LOG.log(System.Logger.Level.INFO, () -> "leaving generation " + was.generationId() + ": " + reason);
            generation = keepMemberId ? generation.withoutGeneration() : Generation.NONE;
            phase = Phase.UNJOINED;
            rejoinNeeded = true;
        }
        onChange.run();
    }

    /** Back outside the group with nothing to rejoin (unsubscribe, close). */
    synchronized void left() {
        generation = Generation.NONE;
        phase = Phase.UNJOINED;
        rejoinNeeded = true;
    }

    /** The application entered poll: while it is inside, it is making progress. */
    synchronized void pollStarted(long nowMs) {
        lastPollMs = nowMs;
        inPoll = true;
    }

    synchronized void pollEnded(long nowMs) {
        lastPollMs = nowMs;
        inPoll = false;
    }

    /** When the member must leave unless poll is called; never while the application is inside poll. */
    synchronized long pollDeadlineMs(int maxPollIntervalMs) {
        return inPoll ? Long.MAX_VALUE : lastPollMs + maxPollIntervalMs;
    }

    /** A fatal error found on the I/O thread, thrown by the next poll. */
    void fail(RuntimeException error) {
        synchronized (this) {
            failure = error;
            generation = Generation.NONE;
            phase = Phase.UNJOINED;
        }
        onChange.run();
    }

    /** True when poll must stop waiting for records and act: rejoin, or report a failure. */
    boolean needsAttention() {
        return rejoinNeeded || failure != null;
    }

    synchronized void throwIfFailed() {
        RuntimeException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
    }
}

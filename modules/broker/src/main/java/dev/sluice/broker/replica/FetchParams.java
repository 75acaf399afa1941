package dev.sluice.broker.replica;

/**
 * A fetch request's request-wide settings.
 *
 * @param replicaId the fetching follower's broker id, or negative for a consumer
 * @param maxBytes the response's byte limit (the first partition with data may exceed it)
 * @param readCommitted a consumer's isolation level is read_committed: it reads up to the last
 *                      stable offset and is told the aborted transactions
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes, boolean readCommitted) {

    /** A read_uncommitted (or follower's) fetch. */
    public FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes) {
        this(replicaId, maxWaitMs, minBytes, maxBytes, false);
    }

    public boolean fromFollower() {
        return replicaId >= 0;
    }

    /** How far this fetch may read. */
    public dev.sluice.broker.partition.FetchIsolation isolation() {
        return fromFollower() ? dev.sluice.broker.partition.FetchIsolation.LOG_END
                : readCommitted ? dev.sluice.broker.partition.FetchIsolation.TXN_COMMITTED
                : dev.sluice.broker.partition.FetchIsolation.HIGH_WATERMARK;
    }
}

package dev.sluice.broker.replica;

/**
 * A fetch request's request-wide settings.
 *
 * @param replicaId the fetching follower's broker id, or negative for a consumer
 * @param maxBytes the response's byte limit (the first partition with data may exceed it)
 */
public record FetchParams(int replicaId, long maxWaitMs, int minBytes, int maxBytes) {

    public boolean fromFollower() {
        return replicaId >= 0;
    }
}

package dev.sluice.broker.replica;

/**
 * How a follower copies its leaders' logs (Kafka's names and defaults).
 *
 * @param numFetchers        fetcher threads per source broker ({@code num.replica.fetchers}, 1)
 * @param maxWaitMs          longest a fetch waits at the leader ({@code replica.fetch.wait.max.ms}, 500)
 * @param minBytes           bytes a fetch waits for ({@code replica.fetch.min.bytes}, 1)
 * @param partitionMaxBytes  bytes asked per partition ({@code replica.fetch.max.bytes}, 1 MiB)
 * @param responseMaxBytes   bytes asked per fetch ({@code replica.fetch.response.max.bytes}, 10 MiB)
 * @param backoffMs          wait after an error before fetching a partition again ({@code replica.fetch.backoff.ms}, 1 s)
 * @param socketTimeoutMs    a request to the leader unanswered this long fails ({@code replica.socket.timeout.ms}, 30 s)
 */
public record ReplicaFetchSettings(int numFetchers, int maxWaitMs, int minBytes, int partitionMaxBytes,
                                   int responseMaxBytes, int backoffMs, int socketTimeoutMs) {

    public static final ReplicaFetchSettings DEFAULTS =
            new ReplicaFetchSettings(1, 500, 1, 1 << 20, 10 << 20, 1_000, 30_000);

    public ReplicaFetchSettings {
        if (numFetchers < 1) {
            throw new IllegalArgumentException("numFetchers must be at least 1, was " + numFetchers);
        }
    }
}

package dev.sluice.replication.fetch;

import dev.sluice.api.storage.TopicPartition;

/**
 * The leader a fetcher copies from (Kafka's LeaderEndPoint): Fetch and the two ListOffsets
 * questions an out-of-range fetch asks. Calls block; a failure to get an answer (connection lost,
 * timeout, leader unknown) is a {@link LeaderUnavailableException}, after which the fetcher backs off.
 *
 * <p>Threads: one fetcher thread calls in; {@link #close} from any thread fails a blocked call.
 */
public interface LeaderEndpoint extends AutoCloseable {

    /** The broker id of the leader. */
    int brokerId();

    FetchResponse fetch(FetchRequest request);

    /** The leader's log end for a replica (ListOffsets LATEST with this broker's replica id). */
    long latestOffset(TopicPartition tp, int currentLeaderEpoch);

    /** The leader's log start (ListOffsets EARLIEST). */
    long earliestOffset(TopicPartition tp, int currentLeaderEpoch);

    @Override
    void close();
}

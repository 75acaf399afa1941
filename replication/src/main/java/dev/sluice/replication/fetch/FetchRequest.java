package dev.sluice.replication.fetch;

import dev.sluice.api.storage.TopicPartition;

import java.util.List;
import java.util.UUID;

/**
 * One replica fetch as the fetcher decides it, before it is put on the wire.
 *
 * @param maxWaitMs  how long the leader may wait for {@code minBytes}
 * @param partitions in the order they are asked for
 */
public record FetchRequest(int maxWaitMs, int minBytes, int maxBytes, List<PartitionFetch> partitions) {

    public FetchRequest {
        partitions = List.copyOf(partitions);
    }

    /**
     * @param fetchOffset        this replica's log end
     * @param currentLeaderEpoch the epoch this replica believes the leader is in (fenced if stale)
     * @param lastFetchedEpoch   the newest epoch in this replica's log, -1 if none (no divergence check)
     * @param logStartOffset     this replica's log start
     */
    public record PartitionFetch(TopicPartition topicPartition, UUID topicId, long fetchOffset, int currentLeaderEpoch,
                                 int lastFetchedEpoch, long logStartOffset, int maxBytes) {
    }
}

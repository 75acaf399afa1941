package dev.sluice.broker.replica;

import dev.sluice.api.storage.LogSlice;
import dev.sluice.protocol.Errors;

/**
 * The answer for one partition of a fetch: its error, the offsets a client needs and the records
 * (a zero-copy log slice, empty on error); for NOT_LEADER_OR_FOLLOWER, the leader to ask instead.
 */
public record FetchPartitionResult(Errors error, long highWatermark, long logStartOffset, LogSlice records,
                                   LeaderHint currentLeader) {

    static FetchPartitionResult failed(Errors error) {
        return new FetchPartitionResult(error, -1L, -1L, LogSlice.EMPTY, null);
    }

    static FetchPartitionResult notLeader(LeaderHint leader) {
        return new FetchPartitionResult(Errors.NOT_LEADER_OR_FOLLOWER, -1L, -1L, LogSlice.EMPTY, leader);
    }
}

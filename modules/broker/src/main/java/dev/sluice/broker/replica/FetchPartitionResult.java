package dev.sluice.broker.replica;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.protocol.Errors;

import java.util.List;

/**
 * The answer for one partition of a fetch: its error, the offsets a client needs and the records
 * (a zero-copy log slice, empty on error); for NOT_LEADER_OR_FOLLOWER, the leader to ask instead;
 * for a follower whose log diverged from this one, the epoch and end offset to truncate to
 * (DivergingEpoch, with no records); for a read_committed fetch the aborted transactions
 * overlapping the records (null otherwise).
 */
public record FetchPartitionResult(Errors error, long highWatermark, long logStartOffset, LogSlice records,
                                   LeaderHint currentLeader, EpochEndOffset divergingEpoch, long lastStableOffset,
                                   List<AbortedTxn> abortedTransactions) {

    public FetchPartitionResult(Errors error, long highWatermark, long logStartOffset, LogSlice records,
                                LeaderHint currentLeader, EpochEndOffset divergingEpoch) {
        this(error, highWatermark, logStartOffset, records, currentLeader, divergingEpoch, highWatermark, null);
    }

    public FetchPartitionResult(Errors error, long highWatermark, long logStartOffset, LogSlice records,
                                LeaderHint currentLeader) {
        this(error, highWatermark, logStartOffset, records, currentLeader, null);
    }

    static FetchPartitionResult failed(Errors error) {
        return new FetchPartitionResult(error, -1L, -1L, LogSlice.EMPTY, null);
    }

    static FetchPartitionResult notLeader(LeaderHint leader) {
        return new FetchPartitionResult(Errors.NOT_LEADER_OR_FOLLOWER, -1L, -1L, LogSlice.EMPTY, leader);
    }
}

package dev.sluice.broker.replica;

import dev.sluice.protocol.Errors;

/**
 * The answer for one partition of a produce: its error (NONE if stored) and where the records went.
 *
 * @param logAppendTime the broker's timestamp if the topic uses LogAppendTime, else -1
 * @param message a human-readable reason on error, else null
 * @param currentLeader where to produce instead, for NOT_LEADER_OR_FOLLOWER; else null
 */
public record ProducePartitionResult(Errors error, long baseOffset, long logAppendTime, long logStartOffset,
                                     String message, LeaderHint currentLeader) {

    public static ProducePartitionResult failed(Errors error, String message) {
        return new ProducePartitionResult(error, -1L, -1L, -1L, message, null);
    }

    static ProducePartitionResult notLeader(LeaderHint leader) {
        return new ProducePartitionResult(Errors.NOT_LEADER_OR_FOLLOWER, -1L, -1L, -1L,
                "this broker does not lead the partition", leader);
    }

    ProducePartitionResult withError(Errors error, String message) {
        return new ProducePartitionResult(error, baseOffset, logAppendTime, logStartOffset, message, currentLeader);
    }
}

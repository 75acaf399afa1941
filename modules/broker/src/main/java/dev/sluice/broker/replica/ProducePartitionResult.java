package dev.sluice.broker.replica;

import dev.sluice.protocol.Errors;

/**
 * The answer for one partition of a produce: its error (NONE if stored) and where the records went.
 *
 * @param logAppendTime the broker's timestamp if the topic uses LogAppendTime, else -1
 * @param message a human-readable reason on error, else null
 */
public record ProducePartitionResult(Errors error, long baseOffset, long logAppendTime, long logStartOffset,
                                     String message) {

    public static ProducePartitionResult failed(Errors error, String message) {
        return new ProducePartitionResult(error, -1L, -1L, -1L, message);
    }

    ProducePartitionResult withError(Errors error, String message) {
        return new ProducePartitionResult(error, baseOffset, logAppendTime, logStartOffset, message);
    }
}

package dev.sluice.broker.replica;

import dev.sluice.protocol.Errors;

/**
 * The answer for one partition of a DeleteRecords once the replicas moved their log start: NONE
 * with the low watermark (the smallest log start among the leader and its live followers),
 * REQUEST_TIMED_OUT if they did not in time, NOT_LEADER_OR_FOLLOWER (or KAFKA_STORAGE_ERROR) if
 * this broker stopped leading meanwhile.
 */
public record DeleteRecordsResult(Errors error, long lowWatermark) {
}

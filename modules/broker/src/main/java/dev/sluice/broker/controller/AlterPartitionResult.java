package dev.sluice.broker.controller;

import dev.sluice.protocol.Errors;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one partition of an AlterPartition: NONE with the partition's state now (leader,
 * leader epoch, ISR, partition epoch), or the error (INVALID_REQUEST, FENCED_LEADER_EPOCH,
 * INVALID_UPDATE_VERSION, INELIGIBLE_REPLICA, UNKNOWN_TOPIC_OR_PARTITION, STALE_BROKER_EPOCH, NOT_CONTROLLER).
 */
public record AlterPartitionResult(Errors error, String message, Optional<PartitionLeaderInfo> state) {
    public AlterPartitionResult {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(state, "state");
    }

    static AlterPartitionResult failed(Errors error, String message) {
        return new AlterPartitionResult(error, message, Optional.empty());
    }
}

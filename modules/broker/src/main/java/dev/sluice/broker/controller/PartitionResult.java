package dev.sluice.broker.controller;

import dev.sluice.protocol.Errors;

import java.util.Objects;

/** A per-partition answer of a controller operation (ElectLeaders): an error code (NONE) and message. */
public record PartitionResult(Errors error, String message) {
    public static final PartitionResult OK = new PartitionResult(Errors.NONE, "");

    public PartitionResult {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }
}

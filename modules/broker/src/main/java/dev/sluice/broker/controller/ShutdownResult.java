package dev.sluice.broker.controller;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.protocol.Errors;

import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The answer to a ControlledShutdown: an error (NONE, STALE_BROKER_EPOCH, BROKER_NOT_AVAILABLE,
 * NOT_CONTROLLER) and the partitions the broker still leads because no other in-sync replica
 * could take them; the broker retries until none remain or its retries run out.
 */
public record ShutdownResult(Errors error, SortedSet<TopicPartition> remaining) {
    public ShutdownResult {
        Objects.requireNonNull(error, "error");
        remaining = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(remaining));
    }

    static ShutdownResult failed(Errors error) {
        return new ShutdownResult(error, new TreeSet<>());
    }
}

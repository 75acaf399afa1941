package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A partition leader's request to change its ISR (AlterPartition, KIP-497): followers that caught up
 * join, followers that fell behind leave. Validated as KRaft's controller does it; the leader epoch
 * stays (the leader keeps leading), only the partition epoch (the state's version) moves, so an
 * ISR change never fences the leader's producers. Stateless; any thread.
 */
public final class IsrUpdate {

    /** The outcome: the state to write (or already there), or the AlterPartition error. */
    public sealed interface Outcome {
        /** @param changed false when the ISR asked for is the current one (nothing to write) */
        record Accepted(PartitionLeadership state, boolean changed) implements Outcome {
            public Accepted {
                Objects.requireNonNull(state, "state");
            }
        }

        record Rejected(Errors error, String message) implements Outcome {
        }
    }

    private IsrUpdate() {
    }

    /**
     * @param current        the partition as the controller knows it
     * @param currentVersion its partition epoch (state version)
     * @param eligible       brokers that may be in an ISR: live and not shutting down
     */
    public static Outcome alter(PartitionLeadership current, int currentVersion, int fromBroker, int leaderEpoch,
                                int partitionEpoch, List<Integer> newIsr, Set<Integer> eligible) {
        if (fromBroker != current.leader()) {
            return new Outcome.Rejected(Errors.INVALID_REQUEST, "Broker " + fromBroker + " is not the leader ("
                    + current.leader() + ").");
        }
        if (leaderEpoch != current.leaderEpoch()) {
            return new Outcome.Rejected(Errors.FENCED_LEADER_EPOCH, "Leader epoch " + leaderEpoch
                    + " is not the current one, " + current.leaderEpoch() + ".");
        }
        if (partitionEpoch != currentVersion) {
            return new Outcome.Rejected(Errors.INVALID_UPDATE_VERSION, "Partition epoch " + partitionEpoch
                    + " is not the current one, " + currentVersion + ".");
        }
        if (newIsr.isEmpty() || !newIsr.contains(current.leader())) {
            return new Outcome.Rejected(Errors.INVALID_REQUEST, "The ISR " + newIsr + " must contain the leader "
                    + current.leader() + ".");
        }
        if (new HashSet<>(newIsr).size() != newIsr.size() || !current.replicas().containsAll(newIsr)) {
            return new Outcome.Rejected(Errors.INVALID_REQUEST, "The ISR " + newIsr + " is not a set of the replicas "
                    + current.replicas() + ".");
        }
        for (int id : newIsr) {
            if (!eligible.contains(id) && !current.isr().contains(id)) {
                return new Outcome.Rejected(Errors.INELIGIBLE_REPLICA, "Broker " + id
                        + " cannot join the ISR: it is not live or is shutting down.");
            }
        }
        if (newIsr.equals(current.isr())) {
            return new Outcome.Accepted(current, false);
        }
        return new Outcome.Accepted(new PartitionLeadership(current.replicas(), current.leader(), current.leaderEpoch(), newIsr), true);
    }
}

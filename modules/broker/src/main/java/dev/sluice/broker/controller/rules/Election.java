package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;

import java.util.Objects;

/** The outcome of an asked-for election (topic creation, the ElectLeaders API) for one partition. */
public sealed interface Election {

    /**
     * The partition's new state (its leader epoch raised by one, or the initial epoch for a new partition).
     *
     * @param unclean the leader was taken from outside the ISR
     */
    record Elected(PartitionLeadership state, boolean unclean) implements Election {
        public Elected {
            Objects.requireNonNull(state, "state");
        }
    }

    /** No election: the partition's error in the response (ELECTION_NOT_NEEDED is not a failure to the caller). */
    record NotElected(Errors error, String message) implements Election {
        public NotElected {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(message, "message");
        }
    }
}

package dev.sluice.broker.controller.rules;

import java.util.Objects;

/** What an event (brokers failing or returning, a controlled shutdown) does to one partition's state. */
public sealed interface PartitionChange {

    /** Nothing to write: the recorded state still holds. */
    record Unchanged() implements PartitionChange {
    }

    /**
     * A new state to write (conditionally) and announce; its leader epoch is the old one plus one.
     *
     * @param unclean the leader was taken from outside the ISR (possible loss of acknowledged records)
     */
    record Changed(PartitionLeadership state, boolean unclean) implements PartitionChange {
        public Changed {
            Objects.requireNonNull(state, "state");
        }
    }

    PartitionChange UNCHANGED = new Unchanged();
}

package dev.sluice.broker.partition;

import java.util.List;

/**
 * The controller's answer to an {@link IsrChange}, as the leader acts on it (Kafka's
 * {@code handleAlterPartitionError}).
 */
public sealed interface IsrChangeAnswer {

    /** Written: the partition's state now (its ISR includes the leader). */
    record Committed(int leaderEpoch, List<Integer> isr, int partitionEpoch) implements IsrChangeAnswer {
        public Committed {
            isr = List.copyOf(isr);
        }
    }

    /**
     * Refused and certainly not applied (OPERATION_NOT_ATTEMPTED, INELIGIBLE_REPLICA): back to the
     * committed ISR; the next check may propose again.
     */
    record NotApplied(String reason) implements IsrChangeAnswer {
    }

    /**
     * Refused because this leader's view is stale or deposed (FENCED_LEADER_EPOCH,
     * INVALID_UPDATE_VERSION, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST, ...): the change stays
     * pending, so the high watermark keeps counting the maximal ISR and no other change is proposed,
     * until the controller's LeaderAndIsr replaces the state.
     */
    record Stale(String reason) implements IsrChangeAnswer {
    }
}

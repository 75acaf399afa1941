package dev.sluice.broker.replica;

import dev.sluice.broker.partition.IsrChange;
import dev.sluice.broker.partition.IsrChangeAnswer;
import dev.sluice.protocol.Errors;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a partition leader's ISR changes reach the controller (an AlterPartition request). The
 * future completes with the controller's answer, or exceptionally if no answer could be had (the
 * replica manager then sends the change again while it is still pending).
 *
 * <p>Threads: called from request handler threads and the ISR check; completes on any thread.
 */
@FunctionalInterface
public interface AlterPartitionSender {

    /**
     * @param newIsr the proposed ISR, the leader included, in replica order
     */
    CompletableFuture<IsrChangeAnswer> send(int leaderId, IsrChange change, List<Integer> newIsr);

    /** A node without a controller: nothing can be committed, the change stays pending. */
    AlterPartitionSender NO_CONTROLLER = (leader, change, isr) ->
            CompletableFuture.completedFuture(new IsrChangeAnswer.Stale("no controller to send AlterPartition to"));

    /**
     * Kafka's reading of an AlterPartition error ({@code Partition.handleAlterPartitionError}):
     * OPERATION_NOT_ATTEMPTED and INELIGIBLE_REPLICA say the change was not applied (back to the
     * committed ISR); the errors that mean this leader's view is stale or deposed keep the change
     * pending until a LeaderAndIsr; anything else (NOT_CONTROLLER, STALE_BROKER_EPOCH: the broker
     * re-registered) is retriable (null: send again).
     */
    static IsrChangeAnswer refusal(Errors error, String message) {
        String reason = error.name() + (message == null || message.isEmpty() ? "" : ": " + message);
        return switch (error) {
            case OPERATION_NOT_ATTEMPTED, INELIGIBLE_REPLICA -> new IsrChangeAnswer.NotApplied(reason);
            case UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION,
                 INVALID_REQUEST, NEW_LEADER_ELECTED -> new IsrChangeAnswer.Stale(reason);
            default -> null;
        };
    }
}

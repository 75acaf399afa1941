package dev.sluice.broker.replica;

import dev.sluice.api.Scheduler;
import dev.sluice.broker.partition.IsrChange;
import dev.sluice.broker.partition.IsrChangeAnswer;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.ReplicaAssignment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The way of the led partitions' ISR proposals to the controller (Kafka's AlterPartitionManager and
 * isr-expiration task): the periodic shrink check, every proposal (an expansion comes from a
 * follower's fetch) sent through the {@link AlterPartitionSender}, the controller's answer applied
 * to its partition, and a proposal whose sending failed sent again while it is still pending.
 *
 * <p>Threads: the shrink check and resends on the replica manager's timer; expansions on request
 * handler threads; answers on the sender's thread.
 */
final class IsrChangeSubmitter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IsrChangeSubmitter.class.getName());
    /** How long to wait before sending an ISR change again whose sending failed. */
    static final long RETRY_MS = 500;

    private final int localBrokerId;
    private final PartitionManager partitions;
    private final Scheduler timer;
    private final Supplier<ReplicaEvents> events;
    private final Scheduler.Task shrinkCheck;
    private volatile AlterPartitionSender sender = AlterPartitionSender.NO_CONTROLLER;

    /** Starts the shrink check on {@code timer}, every {@code checkIntervalMs}. */
    IsrChangeSubmitter(int localBrokerId, PartitionManager partitions, Scheduler timer, Supplier<ReplicaEvents> events,
                       long checkIntervalMs) {
        this.localBrokerId = localBrokerId;
        this.partitions = partitions;
        this.timer = timer;
        this.events = events;
        this.shrinkCheck = timer.scheduleWithFixedDelay(this::shrinkIsrs, checkIntervalMs, checkIntervalMs);
    }

    /** Where changes go (the controller link in a cluster); until set, they stay pending. */
    void sender(AlterPartitionSender sender) {
        this.sender = sender;
    }

    /**
     * The periodic ISR check: each led partition proposes removing followers that have not caught up
     * within {@code replica.lag.time.max.ms}.
     */
    private void shrinkIsrs() {
        for (Partition partition : partitions.all()) {
            try {
                submit(partition.maybeShrinkIsr());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "ISR check of " + partition.topicPartition() + " failed", e);
            }
        }
    }

    /**
     * Sends {@code change} (null: nothing to do) to the controller and applies its answer to the
     * partition; a change that could not be sent (no answer, or a retriable error) is sent again
     * while it is still pending.
     */
    void submit(IsrChange change) {
        if (change == null) {
            return;
        }
        Partition partition = partitions.partition(change.topicPartition()).orElse(null);
        if (partition == null || partition.isr().pendingChange() != change) {
            return; // replaced by a LeaderAndIsr meanwhile, or the partition is gone
        }
        List<Integer> newIsr = new ArrayList<>();
        newIsr.add(localBrokerId);
        ReplicaAssignment assigned = partition.isr().assignment();
        if (assigned != null) {
            assigned.replicas().stream().filter(change.inSyncFollowers()::contains).forEach(newIsr::add);
        }
        change.inSyncFollowers().stream().filter(id -> !newIsr.contains(id)).sorted().forEach(newIsr::add);
        CompletableFuture<IsrChangeAnswer> answer;
        try {
            answer = sender.send(localBrokerId, change, newIsr);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((a, failure) -> {
            if (a != null) {
                partition.isrChangeAnswered(change, a, localBrokerId);
                if (a instanceof IsrChangeAnswer.Committed) {
                    events.get().isrChanged(change.expand());
                }
            } else {
                LOG.log(System.Logger.Level.INFO, () -> "AlterPartition for " + change.topicPartition()
                        + " not answered (" + failure + "); sending it again");
                timer.schedule(() -> submit(change), RETRY_MS);
            }
        });
    }

    /** Stops the shrink check (the timer itself is the replica manager's). */
    @Override
    public void close() {
        shrinkCheck.cancel();
    }
}

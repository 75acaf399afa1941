package dev.sluice.broker.replica;

import dev.sluice.broker.delay.DelayedOperation;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An acks=all produce waiting for the in-sync replicas: each appended partition is acknowledged
 * once its high watermark passes the last offset appended for it; partitions still short when the
 * request's timeout passes answer REQUEST_TIMED_OUT (Kafka's DelayedProduce).
 *
 * <p>Threads: created on a request handler thread; {@link #tryComplete} runs on whichever thread
 * moved a high watermark, {@link #onExpire} on the timer thread. The delayed-operation machinery
 * serialises those calls; {@code completed} makes the answer go out exactly once regardless.
 */
final class DelayedProduce implements DelayedOperation {
    private final ProducePartitionResult[] results;
    private final Partition[] waitingOn;
    private final long[] requiredOffsets;
    private final Consumer<List<ProducePartitionResult>> respond;
    private final AtomicBoolean completed = new AtomicBoolean();

    /**
     * @param results each partition's append result, in request order (appended ones are NONE)
     * @param waitingOn for each appended partition, the partition that must acknowledge; null otherwise
     * @param requiredOffsets for each appended partition, the high watermark that acknowledges it
     *                        (its last appended offset + 1)
     */
    DelayedProduce(ProducePartitionResult[] results, Partition[] waitingOn, long[] requiredOffsets,
                   Consumer<List<ProducePartitionResult>> respond) {
        this.results = results;
        this.waitingOn = waitingOn;
        this.requiredOffsets = requiredOffsets;
        this.respond = respond;
    }

    @Override
    public boolean tryComplete() {
        boolean allAcknowledged = true;
        for (int i = 0; i < waitingOn.length; i++) {
            Partition partition = waitingOn[i];
            if (partition == null) {
                continue;
            }
            if (!(partition.role() instanceof PartitionRole.Leader)) {
                results[i] = ReplicaManager.notLeaderOrOffline(partition.role()); // lost leadership while waiting
                waitingOn[i] = null;
            } else if (partition.highWatermark() >= requiredOffsets[i]) {
                waitingOn[i] = null; // acknowledged; its result already says NONE, unless the ISR shrank meanwhile
                checkInSyncReplicas(i, partition);
            } else {
                allAcknowledged = false;
            }
        }
        if (allAcknowledged) {
            complete();
        }
        return allAcknowledged;
    }

    /**
     * Kafka's {@code checkEnoughReplicasReachOffset}: the high watermark passed the batch, but if the
     * (maximal) ISR is now below {@code min.insync.replicas}, fewer replicas than required have it.
     */
    private void checkInSyncReplicas(int i, Partition partition) {
        int minIsr = partition.effectiveMinInSyncReplicas();
        int inSync = partition.isr().maximalInSyncReplicaCount();
        if (inSync < minIsr) {
            results[i] = results[i].withError(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND, "the ISR shrank to " + inSync
                    + " replicas, below min.insync.replicas=" + minIsr + ", before the batch was replicated");
        }
    }

    @Override
    public void onExpire() {
        for (int i = 0; i < waitingOn.length; i++) {
            Partition partition = waitingOn[i];
            if (partition != null && !(partition.role() instanceof PartitionRole.Leader)) {
                results[i] = ReplicaManager.notLeaderOrOffline(partition.role());
            } else if (partition != null && partition.highWatermark() < requiredOffsets[i]) {
                results[i] = results[i].withError(Errors.REQUEST_TIMED_OUT,
                        "the in-sync replicas did not acknowledge offset " + (requiredOffsets[i] - 1) + " in time");
            }
        }
        complete();
    }

    private void complete() {
        if (completed.compareAndSet(false, true)) {
            respond.accept(Arrays.asList(results));
        }
    }
}

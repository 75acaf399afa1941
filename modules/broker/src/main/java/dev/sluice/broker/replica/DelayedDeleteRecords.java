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
 * A DeleteRecords whose leader moved its log start, waiting for the followers to move theirs
 * (Kafka's DelayedDeleteRecords): each partition is done once its low watermark reaches the
 * requested offset, or at once if this broker no longer leads it; partitions still short at the
 * request's timeout answer REQUEST_TIMED_OUT.
 *
 * <p>Threads: created on a request handler thread; {@link #tryComplete} runs on whichever thread
 * reported a follower's progress, {@link #onExpire} on the timer thread; the delayed-operation
 * machinery serialises them and {@code completed} makes the answer go out exactly once.
 */
final class DelayedDeleteRecords implements DelayedOperation {
    private final Partition[] waitingOn;
    private final long[] requiredOffsets;
    private final DeleteRecordsResult[] results;
    private final Consumer<List<DeleteRecordsResult>> respond;
    private final AtomicBoolean completed = new AtomicBoolean();

    DelayedDeleteRecords(Partition[] waitingOn, long[] requiredOffsets, Consumer<List<DeleteRecordsResult>> respond) {
        this.waitingOn = waitingOn;
        this.requiredOffsets = requiredOffsets;
        this.results = new DeleteRecordsResult[waitingOn.length];
        this.respond = respond;
    }

    @Override
    public boolean tryComplete() {
        boolean done = true;
        for (int i = 0; i < waitingOn.length; i++) {
            Partition partition = waitingOn[i];
            if (partition == null) {
                continue;
            }
            PartitionRole role = partition.role();
            if (!(role instanceof PartitionRole.Leader)) {
                results[i] = new DeleteRecordsResult(role instanceof PartitionRole.Offline
                        ? Errors.KAFKA_STORAGE_ERROR : Errors.NOT_LEADER_OR_FOLLOWER, -1L);
                waitingOn[i] = null;
                continue;
            }
            long low = partition.lowWatermark();
            if (low >= requiredOffsets[i]) {
                results[i] = new DeleteRecordsResult(Errors.NONE, low);
                waitingOn[i] = null;
            } else {
                done = false;
            }
        }
        if (done) {
            complete();
        }
        return done;
    }

    @Override
    public void onExpire() {
        for (int i = 0; i < waitingOn.length; i++) {
            if (waitingOn[i] != null) {
                results[i] = new DeleteRecordsResult(Errors.REQUEST_TIMED_OUT, -1L);
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

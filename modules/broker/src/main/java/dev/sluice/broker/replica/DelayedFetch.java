package dev.sluice.broker.replica;

import dev.sluice.broker.delay.DelayedOperation;
import dev.sluice.broker.partition.Partition;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A fetch waiting for {@code MinBytes} (Kafka's DelayedFetch): woken when one of its partitions'
 * log end or high watermark moves, it first compares each partition's readable end (the high
 * watermark for a consumer, the log end for a follower) with the one it saw at its last read and
 * reads again only if one moved; at the deadline it answers with whatever there is.
 *
 * <p>Threads: created on a request handler thread; {@link #tryComplete} runs on whichever thread
 * moved a partition, {@link #onExpire} on the timer thread, serialised by the delayed-operation
 * machinery; {@code completed} makes the answer go out exactly once regardless.
 */
final class DelayedFetch implements DelayedOperation {
    private final ReplicaManager replicas;
    private final FetchParams params;
    private final List<FetchTarget> targets;
    private final Partition[] partitions;
    private final long[] readableEndSeen;
    private final Consumer<List<FetchPartitionResult>> respond;
    private final AtomicBoolean completed = new AtomicBoolean();

    DelayedFetch(ReplicaManager replicas, FetchParams params, List<FetchTarget> targets, Partition[] partitions,
                 Consumer<List<FetchPartitionResult>> respond) {
        this.replicas = replicas;
        this.params = params;
        this.targets = targets;
        this.partitions = partitions;
        this.readableEndSeen = new long[partitions.length];
        java.util.Arrays.fill(readableEndSeen, Long.MIN_VALUE);
        this.respond = respond;
    }

    @Override
    public boolean tryComplete() {
        if (!anyMoved()) {
            return false;
        }
        LocalRead read = replicas.readLocal(params, targets, partitions);
        if (read.bytes() >= params.minBytes() || read.errors()) {
            complete(read.results());
            return true;
        }
        return false;
    }

    @Override
    public void onExpire() {
        complete(replicas.readLocal(params, targets, partitions).results());
    }

    /** Records each partition's readable end; true if any changed since the last look. */
    private boolean anyMoved() {
        boolean moved = false;
        for (int i = 0; i < partitions.length; i++) {
            Partition partition = partitions[i];
            long end;
            try {
                end = partition == null ? -1 : params.fromFollower() ? partition.logEndOffset() : partition.highWatermark();
            } catch (RuntimeException e) {
                return true; // e.g. its log was closed by a delete: the read answers the error
            }
            if (end != readableEndSeen[i]) {
                readableEndSeen[i] = end;
                moved = true;
            }
        }
        return moved;
    }

    private void complete(List<FetchPartitionResult> results) {
        if (completed.compareAndSet(false, true)) {
            respond.accept(results);
        }
    }
}

package dev.sluice.broker.replica;

import dev.sluice.broker.delay.DelayedOperation;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A fetch waiting for {@code MinBytes} (Kafka's DelayedFetch). Its first check reads the logs
 * (answering at once if that is enough, or on an error) and remembers, per partition, the bytes
 * it read and the partition's byte position (bytes appended up to the high watermark for a
 * consumer, up to the log end for a follower: Kafka's LogOffsetMetadata idea). Later checks,
 * woken by a partition's progress, only compare positions; the logs are read again and the
 * answer built once, when enough bytes are there, a partition's role changed, or the deadline passed.
 *
 * <p>Threads: created on a request handler thread; {@link #tryComplete} runs on whichever thread
 * moved a partition, {@link #onExpire} on the timer thread, serialised by the delayed-operation
 * machinery; {@code completed} makes the answer go out exactly once regardless.
 */
final class DelayedFetch implements DelayedOperation {
    private final LocalLogReader reader;
    /** Told of the answer (the broker's metrics). */
    private final ReplicaEvents events;
    private final FetchParams params;
    private final List<FetchTarget> targets;
    private final Partition[] partitions;
    private final long[] positionAtFirstRead;
    private final long[] bytesAtFirstRead;
    /** A read_committed fetch's last stable offset per partition at the first read: bytes count only once it moved. */
    private final long[] lastStableAtFirstRead;
    private final Consumer<List<FetchPartitionResult>> respond;
    private final AtomicBoolean completed = new AtomicBoolean();
    private boolean firstReadDone;
    private int reads;

    DelayedFetch(LocalLogReader reader, ReplicaEvents events, FetchParams params, List<FetchTarget> targets,
                 Partition[] partitions, Consumer<List<FetchPartitionResult>> respond) {
        this.reader = reader;
        this.events = events;
        this.params = params;
        this.targets = targets;
        this.partitions = partitions;
        this.positionAtFirstRead = new long[partitions.length];
        this.bytesAtFirstRead = new long[partitions.length];
        this.lastStableAtFirstRead = new long[partitions.length];
        this.respond = respond;
    }

    @Override
    public boolean tryComplete() {
        if (!firstReadDone) {
            return firstRead();
        }
        long available = 0;
        for (int i = 0; i < partitions.length; i++) {
            Partition partition = partitions[i];
            if (partition == null) {
                continue;
            }
            if (!(partition.role() instanceof PartitionRole.Leader)) {
                return readAndComplete(); // answers NOT_LEADER_OR_FOLLOWER or KAFKA_STORAGE_ERROR for it
            }
            long arrived = partition.appendedBytes(params.fromFollower()) - positionAtFirstRead[i];
            if (params.readCommitted() && partition.lastStableOffset() == lastStableAtFirstRead[i]) {
                arrived = 0; // committed bytes arrive only with the last stable offset (positions count up to the high watermark)
            }
            available += Math.min(bytesAtFirstRead[i] + Math.max(0, arrived), Math.max(0, targets.get(i).maxBytes()));
        }
        return available >= params.minBytes() && readAndComplete();
    }

    @Override
    public void onExpire() {
        readAndComplete();
    }

    /** Times the logs were read (for tests: once at the first check, once on completion). */
    int reads() {
        return reads;
    }

    private boolean firstRead() {
        firstReadDone = true;
        for (int i = 0; i < partitions.length; i++) {
            // the position is taken before the read: an append in between is counted twice (an early
            // answer) rather than missed (a late one)
            positionAtFirstRead[i] = partitions[i] == null ? 0 : partitions[i].appendedBytes(params.fromFollower());
            lastStableAtFirstRead[i] = partitions[i] == null ? 0 : partitions[i].lastStableOffset();
        }
        LocalRead read = read();
        if (read.bytes() >= params.minBytes() || read.errors()) {
            complete(read.results());
            return true;
        }
        for (int i = 0; i < partitions.length; i++) {
            bytesAtFirstRead[i] = read.results().get(i).records().sizeInBytes();
        }
        return false;
    }

    private boolean readAndComplete() {
        complete(read().results());
        return true;
    }

    private LocalRead read() {
        // a follower's position is recorded at the first read only, as Kafka's readFromLog outside purgatory
        return reader.read(params, targets, partitions, reads++ == 0);
    }

    private void complete(List<FetchPartitionResult> results) {
        if (completed.compareAndSet(false, true)) {
            events.fetchAnswered(params, targets, results);
            respond.accept(results);
        }
    }
}

package dev.sluice.broker.group.offset;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.broker.group.PartitionedOffsetStore;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.protocol.Errors;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Offset commits with acks=all semantics (Kafka's {@code GroupMetadataManager.storeOffsets}): a
 * commit written to the group's {@code __consumer_offsets} partition is acknowledged once that
 * partition's high watermark reaches the log end seen right after the write (so it covers the
 * commit's records), waiting in the {@link ReplicaManager} for at most {@code offsets.commit.timeout.ms}.
 * With one replica the high watermark is the leader's log end: at once. The answers are Kafka's:
 * leadership lost or the disk failed → NOT_COORDINATOR; not replicated in time → COORDINATOR_NOT_AVAILABLE.
 *
 * <p>Threads: request handler threads call in; {@code done} runs on the thread that moved the high
 * watermark, the delayed-operation timer, or the caller's.
 */
public final class ReplicatedCommits implements GroupOffsets.CommitAcknowledgement {
    private final PartitionedOffsetStore store;
    private final PartitionManager partitions;
    private final ReplicaManager replicas;
    private final long timeoutMs;

    public ReplicatedCommits(PartitionedOffsetStore store, PartitionManager partitions, ReplicaManager replicas,
                             long timeoutMs) {
        this.store = store;
        this.partitions = partitions;
        this.replicas = replicas;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void afterWrite(String group, Consumer<Errors> done) {
        TopicPartition tp = new TopicPartition(LogOffsetStore.TOPIC, store.partitionFor(group));
        Optional<Partition> partition = partitions.partition(tp);
        if (partition.isEmpty()) {
            done.accept(Errors.NOT_COORDINATOR);
            return;
        }
        replicas.awaitHighWatermark(tp, partition.get().logEndOffset(), timeoutMs, error -> done.accept(commitError(error)));
    }

    /** Kafka's mapping of an offsets append's error to the commit's. */
    static Errors commitError(Errors appendError) {
        return switch (appendError) {
            case NONE -> Errors.NONE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            default -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }
}

package dev.sluice.broker.replica;

import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.broker.partition.FetchedData;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.List;

/**
 * A fetch's read of the local logs (Kafka's {@code readFromLocalLog}): per partition whether this
 * broker may serve it (leader, epochs, a replica's fetch only from a follower), a follower's
 * divergence from this log, then a zero-copy slice within the request's and the partition's limits;
 * a follower's fetch also records its position, which may move the high watermark and propose an
 * ISR expansion. Failures map to each partition's error, never the whole fetch's.
 *
 * <p>Threads: request handler threads and whichever thread completes a {@link DelayedFetch};
 * stateless.
 */
final class LocalLogReader {
    private static final System.Logger LOG = System.getLogger(LocalLogReader.class.getName());

    private final int localBrokerId;
    private final PartitionManager partitions;
    private final IsrChangeSubmitter isrChanges;

    LocalLogReader(int localBrokerId, PartitionManager partitions, IsrChangeSubmitter isrChanges) {
        this.localBrokerId = localBrokerId;
        this.partitions = partitions;
        this.isrChanges = isrChanges;
    }

    /**
     * One pass over the partitions ({@code resolved[i]} for {@code targets.get(i)}, null if not hosted).
     * On a follower's first read its fetch state is recorded ({@code updateFollowers}).
     */
    LocalRead read(FetchParams params, List<FetchTarget> targets, Partition[] resolved, boolean updateFollowers) {
        List<FetchPartitionResult> results = new ArrayList<>(resolved.length);
        long total = 0;
        boolean errors = false;
        for (int i = 0; i < resolved.length; i++) {
            FetchTarget target = targets.get(i);
            Partition partition = resolved[i];
            if (partition == null) {
                results.add(FetchPartitionResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION));
                errors = true;
                continue;
            }
            Errors refusal = checkFetchable(params, target, partition);
            if (refusal != Errors.NONE) {
                PartitionRole role = partition.role();
                results.add(refusal == Errors.NOT_LEADER_OR_FOLLOWER
                        ? FetchPartitionResult.notLeader(LeaderHint.of(role))
                        : refusal == Errors.FENCED_LEADER_EPOCH && role instanceof PartitionRole.Leader
                        ? new FetchPartitionResult(refusal, -1L, -1L, LogSlice.EMPTY,
                                new LeaderHint(localBrokerId, role.leaderEpoch())) // KIP-951: the current epoch
                        : FetchPartitionResult.failed(refusal));
                errors = true;
                continue;
            }
            // a negative PartitionMaxBytes reads nothing
            int budget = (int) Math.max(0, Math.min(target.maxBytes(), params.maxBytes() - total));
            try {
                if (params.fromFollower() && target.lastFetchedEpoch() >= 0) {
                    EpochEndOffset diverging = partition.divergingEpoch(target.lastFetchedEpoch(), target.fetchOffset());
                    if (diverging != null) { // no records and no position update: the follower truncates first
                        results.add(new FetchPartitionResult(Errors.NONE, partition.highWatermark(),
                                partition.logStartOffset(), LogSlice.EMPTY, null, diverging));
                        errors = true; // answered at once, as an error would be
                        continue;
                    }
                }
                long leaderLogEnd = partition.logEndOffset(); // before the read: appends racing it do not hold a follower back
                // the first partition with data may exceed the limits so a consumer never stalls on a large batch
                FetchedData data = partition.read(target.fetchOffset(), budget, params.isolation(), total == 0);
                results.add(new FetchPartitionResult(Errors.NONE, data.highWatermark(), data.logStartOffset(),
                        data.records(), null, null, data.lastStableOffset(), data.abortedTransactions()));
                total += data.records().sizeInBytes();
                if (params.fromFollower() && updateFollowers) {
                    isrChanges.submit(partition.updateFollowerFetchState(params.replicaId(), target.fetchOffset(),
                            target.logStartOffset(), leaderLogEnd));
                }
            } catch (OffsetOutOfRangeException e) {
                results.add(new FetchPartitionResult(Errors.OFFSET_OUT_OF_RANGE, partition.highWatermark(),
                        partition.logStartOffset(), LogSlice.EMPTY, null));
                errors = true;
            } catch (StorageException e) {
                if (partitions.partition(target.topicPartition()).orElse(null) == partition) {
                    partitions.storageFailed(target.topicPartition(), e);
                    results.add(FetchPartitionResult.failed(Errors.KAFKA_STORAGE_ERROR));
                } else {
                    results.add(FetchPartitionResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION)); // deleted
                }
                errors = true;
            } catch (LogClosedException e) {
                // the topic was deleted while this fetch waited (or the broker is stopping): answer for this partition
                LOG.log(System.Logger.Level.DEBUG, () -> "fetch from " + partition.topicPartition() + " failed: " + e);
                boolean deleted = partitions.partition(target.topicPartition()).orElse(null) != partition;
                results.add(deleted ? FetchPartitionResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION)
                        : FetchPartitionResult.notLeader(LeaderHint.of(partition.role())));
                errors = true;
            } catch (RuntimeException e) {
                // a bug, not a disk and not a deletion: say so for this partition, keep the rest
                LOG.log(System.Logger.Level.ERROR, "fetch from " + partition.topicPartition() + " failed", e);
                results.add(FetchPartitionResult.failed(Errors.UNKNOWN_SERVER_ERROR));
                errors = true;
            }
        }
        return new LocalRead(results, total, errors);
    }

    /**
     * Whether this broker may serve the fetch of {@code partition}: it must lead it (offline:
     * KAFKA_STORAGE_ERROR), the client's epoch must match, and a replica's fetch must come from a
     * follower of the partition (as Kafka: UNKNOWN_LEADER_EPOCH if the request names an epoch,
     * since the replica set may be newer than ours, else NOT_LEADER_OR_FOLLOWER).
     */
    private static Errors checkFetchable(FetchParams params, FetchTarget target, Partition partition) {
        PartitionRole role = partition.role();
        if (role instanceof PartitionRole.Offline) {
            return Errors.KAFKA_STORAGE_ERROR;
        }
        if (!(role instanceof PartitionRole.Leader)) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        Errors epochError = ReplicaManager.checkLeaderEpoch(target.currentLeaderEpoch(), role.leaderEpoch());
        if (epochError != Errors.NONE) {
            return epochError;
        }
        if (params.fromFollower() && !partition.isr().isFollower(params.replicaId())) {
            return target.currentLeaderEpoch() >= 0 ? Errors.UNKNOWN_LEADER_EPOCH : Errors.NOT_LEADER_OR_FOLLOWER;
        }
        return Errors.NONE;
    }
}

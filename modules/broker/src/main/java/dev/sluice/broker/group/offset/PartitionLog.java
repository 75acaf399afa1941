package dev.sluice.broker.group.offset;

import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.AppendError;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A broker partition's log as a store sees it: appends go through the {@link Partition} (its
 * append lock, high watermark and fetch wake-ups), so the store and the broker never write the
 * same log unsynchronised. A storage failure takes the storage offline as on the request paths
 * ({@link PartitionManager#storageFailed}). The partition belongs to the broker: closing this does nothing.
 */
final class PartitionLog implements LogStorage {
    private final Partition partition;
    private final PartitionManager partitions;

    PartitionLog(Partition partition, PartitionManager partitions) {
        this.partition = partition;
        this.partitions = partitions;
    }

    /** The broker partition this log goes through. */
    Partition partition() {
        return partition;
    }

    @Override
    public TopicPartition topicPartition() {
        return partition.topicPartition();
    }

    @Override
    public AppendResult append(ByteBuffer batches) {
        int bytes = batches.remaining();
        AppendOutcome outcome = partition.appendAsLeader(batches);
        if (outcome instanceof AppendOutcome.Appended ok) {
            return new AppendResult(ok.firstOffset(), ok.lastOffset(), -1, -1, 1, bytes);
        }
        AppendOutcome.Rejected rejected = (AppendOutcome.Rejected) outcome;
        if (rejected.error() == AppendError.STORAGE_ERROR) {
            failed(new StorageException("append to " + topicPartition() + " failed: " + rejected.message()));
        }
        throw new StorageException("append to " + topicPartition() + " rejected (" + rejected.error() + "): "
                + rejected.message());
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches) {
        throw new UnsupportedOperationException("stores append as leader");
    }

    @Override
    public LogSlice read(long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch) {
        return partition.log().read(fromOffset, maxOffset, maxBytes, minOneBatch);
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        return partition.log().offsetForTimestamp(timestampMs);
    }

    @Override
    public Optional<TimestampOffset> maxTimestamp() {
        return partition.log().maxTimestamp();
    }

    @Override
    public long logStartOffset() {
        return partition.logStartOffset();
    }

    @Override
    public long logEndOffset() {
        return partition.logEndOffset();
    }

    @Override
    public long sizeInBytes() {
        return partition.log().sizeInBytes();
    }

    @Override
    public void truncateTo(long offset) {
        throw new UnsupportedOperationException("stores never truncate");
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        throw new UnsupportedOperationException("stores never truncate");
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        try {
            return partition.deleteRecordsBefore(offset);
        } catch (StorageException e) {
            failed(e);
            throw e;
        }
    }

    private void failed(StorageException e) {
        if (partitions.partition(topicPartition()).orElse(null) == partition) { // else deleted meanwhile
            partitions.storageFailed(topicPartition(), e);
        }
    }

    @Override
    public int enforceRetention() {
        return partition.enforceRetention();
    }

    @Override
    public List<EpochEntry> epochs() {
        return partition.log().epochs();
    }

    @Override
    public void updateConfig(LogConfig config) {
        // the topic's configuration is the broker's to change
    }

    @Override
    public LogConfig config() {
        return partition.log().config();
    }

    @Override
    public void flush() {
        partition.log().flush();
    }

    @Override
    public void close() {
    }
}

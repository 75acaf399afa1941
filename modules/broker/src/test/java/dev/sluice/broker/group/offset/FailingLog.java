package dev.sluice.broker.group.offset;

import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** A log whose n-th append after {@link #failAppend(int)} fails, as if the broker died right there. */
final class FailingLog implements LogStorage {
    private final LogStorage log;
    private int appendsUntilFailure = -1;

    FailingLog(LogStorage log) {
        this.log = log;
    }

    /** The {@code n}-th append from now (1 = the next) throws and writes nothing. */
    void failAppend(int n) {
        appendsUntilFailure = n;
    }

    @Override
    public AppendResult append(ByteBuffer batches) {
        if (appendsUntilFailure > 0 && --appendsUntilFailure == 0) {
            throw new StorageException("simulated crash", new IOException("simulated"));
        }
        return log.append(batches);
    }

    @Override
    public TopicPartition topicPartition() {
        return log.topicPartition();
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches) {
        return log.appendWithOffsets(batches);
    }

    @Override
    public LogSlice read(long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch) {
        return log.read(fromOffset, maxOffset, maxBytes, minOneBatch);
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        return log.offsetForTimestamp(timestampMs);
    }

    @Override
    public Optional<TimestampOffset> maxTimestamp() {
        return log.maxTimestamp();
    }

    @Override
    public long logStartOffset() {
        return log.logStartOffset();
    }

    @Override
    public long logEndOffset() {
        return log.logEndOffset();
    }

    @Override
    public long sizeInBytes() {
        return log.sizeInBytes();
    }

    @Override
    public void truncateTo(long offset) {
        log.truncateTo(offset);
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        log.truncateFullyAndStartAt(offset);
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        return log.deleteRecordsBefore(offset);
    }

    @Override
    public int enforceRetention() {
        return log.enforceRetention();
    }

    @Override
    public List<EpochEntry> epochs() {
        return log.epochs();
    }

    @Override
    public void updateConfig(LogConfig config) {
        log.updateConfig(config);
    }

    @Override
    public LogConfig config() {
        return log.config();
    }

    @Override
    public void flush() {
        log.flush();
    }

    @Override
    public void close() {
        log.close();
    }
}

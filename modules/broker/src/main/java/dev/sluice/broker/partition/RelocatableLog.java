package dev.sluice.broker.partition;

import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The log of a partition on a broker with several log directories, which AlterReplicaLogDirs can
 * move: it forwards every call to the log in the directory that holds the partition now, and
 * while a move is on it tells the {@link FutureLog} what the copy must follow (truncations). The
 * mover swaps in the future log once it has caught up; the partition above never notices.
 *
 * <p>Threads: as {@link LogStorage}: one writer at a time (the partition's append lock), reads
 * from any thread. Every change also takes {@link #gate}, uncontended except while the mover
 * thread copies the last batches and swaps under it; a read the swap's close of the old log
 * overtook is retried on the new one.
 */
final class RelocatableLog implements LogStorage {
    private final TopicPartition partition;
    final ReentrantLock gate = new ReentrantLock();
    private volatile LogStorage current;
    /** The move in progress, or null. Set and cleared under the engine's lock and {@link #gate}. */
    private volatile FutureLog future;

    RelocatableLog(LogStorage current) {
        this.partition = current.topicPartition();
        this.current = current;
    }

    /** The log in the directory holding the partition now. */
    LogStorage current() {
        return current;
    }

    FutureLog future() {
        return future;
    }

    void future(FutureLog move) {
        this.future = move;
    }

    /** The swap (under {@link #gate}, the move complete): {@code moved} is the partition's log from now on. */
    void replaceWith(LogStorage moved) {
        this.current = moved;
        this.future = null;
    }

    @Override
    public TopicPartition topicPartition() {
        return partition;
    }

    @Override
    public AppendResult append(ByteBuffer batches) {
        gate.lock();
        try {
            return current.append(batches);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public AppendResult append(ByteBuffer batches, BatchFacts facts) {
        gate.lock();
        try {
            return current.append(batches, facts);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches) {
        gate.lock();
        try {
            return current.appendWithOffsets(batches);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches, BatchFacts facts) {
        gate.lock();
        try {
            return current.appendWithOffsets(batches, facts);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public LogSlice read(long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch) {
        LogStorage log = current;
        try {
            return log.read(fromOffset, maxOffset, maxBytes, minOneBatch);
        } catch (LogClosedException e) {
            LogStorage now = current;
            if (now == log) {
                throw e;
            }
            return now.read(fromOffset, maxOffset, maxBytes, minOneBatch);
        }
    }

    @Override
    public long logStartOffset() {
        LogStorage log = current;
        try {
            return log.logStartOffset();
        } catch (LogClosedException e) {
            return retried(log, e).logStartOffset();
        }
    }

    @Override
    public long logEndOffset() {
        LogStorage log = current;
        try {
            return log.logEndOffset();
        } catch (LogClosedException e) {
            return retried(log, e).logEndOffset();
        }
    }

    /** The new log if a swap closed {@code used} under a reader, else the reader's failure. */
    private LogStorage retried(LogStorage used, LogClosedException e) {
        LogStorage now = current;
        if (now == used) {
            throw e;
        }
        return now;
    }

    /** A read outside the hot path, retried once on the new log if a swap closed the old one under it. */
    private <T> T reading(Function<LogStorage, T> call) {
        LogStorage log = current;
        try {
            return call.apply(log);
        } catch (LogClosedException e) {
            return call.apply(retried(log, e));
        }
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        return reading(log -> log.offsetForTimestamp(timestampMs));
    }

    @Override
    public Optional<TimestampOffset> maxTimestamp() {
        return reading(LogStorage::maxTimestamp);
    }

    @Override
    public long sizeInBytes() {
        return reading(LogStorage::sizeInBytes);
    }

    @Override
    public int segmentCount() {
        return reading(LogStorage::segmentCount);
    }

    @Override
    public long activeSegmentBaseOffset() {
        return reading(LogStorage::activeSegmentBaseOffset);
    }

    @Override
    public List<EpochEntry> epochs() {
        return reading(LogStorage::epochs);
    }

    @Override
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        return reading(log -> log.endOffsetForEpoch(epoch));
    }

    @Override
    public List<AbortedTxn> abortedTransactions(long fromOffset, long upperBoundOffset) {
        return reading(log -> log.abortedTransactions(fromOffset, upperBoundOffset));
    }

    /** None while a move is on (Kafka pauses cleaning of a moving partition): the copy follows plain appends. */
    @Override
    public Optional<LogCompaction> compaction() {
        return future != null ? Optional.empty() : current.compaction();
    }

    @Override
    public LogConfig config() {
        return reading(LogStorage::config);
    }

    @Override
    public void truncateTo(long offset) {
        gate.lock();
        try {
            current.truncateTo(offset);
            FutureLog move = future;
            if (move != null) {
                move.sourceTruncatedTo(offset);
            }
        } finally {
            gate.unlock();
        }
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        gate.lock();
        try {
            current.truncateFullyAndStartAt(offset);
            FutureLog move = future;
            if (move != null) {
                move.sourceTruncatedTo(FutureLog.RESTART);
            }
        } finally {
            gate.unlock();
        }
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        gate.lock();
        try {
            return current.deleteRecordsBefore(offset);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public int enforceRetention() {
        gate.lock();
        try {
            return current.enforceRetention();
        } finally {
            gate.unlock();
        }
    }

    @Override
    public void assignEpochStartOffset(int epoch, long startOffset) {
        gate.lock();
        try {
            current.assignEpochStartOffset(epoch, startOffset);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public void appendAbortedTransaction(AbortedTxn entry) {
        gate.lock();
        try {
            current.appendAbortedTransaction(entry);
        } finally {
            gate.unlock();
        }
    }

    @Override
    public void updateConfig(LogConfig config) {
        gate.lock();
        try {
            current.updateConfig(config);
            FutureLog move = future;
            if (move != null) {
                move.log().updateConfig(config);
            }
        } finally {
            gate.unlock();
        }
    }

    /** Not under the gate (an fsync must not hold appends up); the swap flushes the new log itself. */
    @Override
    public void flush() {
        LogStorage log = current;
        try {
            log.flush();
        } catch (LogClosedException e) {
            retried(log, e).flush();
        }
    }

    @Override
    public void close() {
        gate.lock();
        try {
            current.close();
        } finally {
            gate.unlock();
        }
    }

    @Override
    public String toString() {
        return "RelocatableLog[" + current + "]";
    }
}

package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.producer.ProducerStateManager;
import dev.sluice.broker.producer.ProducerSummary;
import dev.sluice.broker.producer.SequenceCheck;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * This broker's copy of a partition: the log and the producer state derived from it, changed
 * only together — every append, truncation and retention goes through here, and producer-state
 * snapshots are taken where the committed state is known (at a segment roll; by time or size for a
 * log without segments). The log half of Kafka's {@code UnifiedLog}; the role stays in {@link Partition},
 * the watermarks in {@link Watermarks}, the ISR in {@link InSyncReplicas}.
 *
 * <p>Threads: every method that changes the log or the producer state runs under the owning
 * Partition's append lock; the epoch queries only read the storage (safe from any thread).
 */
final class ReplicaLog {
    private static final System.Logger LOG = System.getLogger(ReplicaLog.class.getName());

    private final TopicPartition topicPartition;
    private final LogStorage log;
    private final Time time;
    private final ProducerStateManager producers;
    /** For a log without segments: when it snapshots producer state instead of at rolls; else null. */
    private final SnapshotCadence unsegmentedSnapshots;

    /** Opens {@code log} and rebuilds its producer state (from the latest snapshot plus a replay). */
    ReplicaLog(LogStorage log, Path producerSnapshots, Time time) {
        this.topicPartition = log.topicPartition();
        this.log = log;
        this.time = time;
        this.producers = new ProducerStateManager(topicPartition, producerSnapshots);
        loadProducerState();
        this.unsegmentedSnapshots = log.activeSegmentBaseOffset() < 0 ? new SnapshotCadence(time.milliseconds()) : null;
    }

    LogStorage storage() {
        return log;
    }

    /**
     * A produce request's batches the leader validated, checked against the producer state
     * (idempotence, fencing, transactions) and, if accepted, stamped with {@code epoch} (and the
     * append time) and appended. Only the first batch can be answered as a retry (clients send one
     * batch per partition).
     */
    AppendOutcome appendAsLeader(ByteBuffer records, boolean logAppendTime, BatchFacts facts, RecordBatch batch, int epoch) {
        SequenceCheck check = producers.checkAsLeader(facts);
        if (check instanceof SequenceCheck.Duplicate dup) {
            LOG.log(System.Logger.Level.DEBUG, () -> topicPartition + ": duplicate batch from producer "
                    + facts.producerId(0) + " answered with offset " + dup.firstOffset());
            return new AppendOutcome.Appended(dup.firstOffset(), dup.lastOffset(),
                    logAppendTime ? dup.timestamp() : -1, log.logStartOffset(), true);
        }
        AppendOutcome rejected = rejection(check);
        return rejected != null ? rejected : write(records, logAppendTime, facts, batch, epoch);
    }

    /**
     * A coordinator's commit or abort marker (a control batch in {@code marker}, walked into
     * {@code facts}): refused if the producer or coordinator epoch is older than this partition's.
     */
    AppendOutcome appendTxnMarker(ByteBuffer marker, long producerId, short producerEpoch, int coordinatorEpoch,
                                  boolean logAppendTime, BatchFacts facts, RecordBatch batch, int epoch) {
        AppendOutcome rejected = rejection(producers.checkMarker(producerId, producerEpoch, coordinatorEpoch));
        return rejected != null ? rejected : write(marker, logAppendTime, facts, batch, epoch);
    }

    private static AppendOutcome rejection(SequenceCheck check) {
        if (check instanceof SequenceCheck.Fenced fenced) {
            return new AppendOutcome.Rejected(AppendError.INVALID_PRODUCER_EPOCH, fenced.message());
        }
        if (check instanceof SequenceCheck.CoordinatorFenced fenced) {
            return new AppendOutcome.Rejected(AppendError.TRANSACTION_COORDINATOR_FENCED, fenced.message());
        }
        if (check instanceof SequenceCheck.OutOfOrder outOfOrder) {
            return new AppendOutcome.Rejected(AppendError.OUT_OF_ORDER_SEQUENCE_NUMBER, outOfOrder.message());
        }
        if (check instanceof SequenceCheck.InvalidTxnState invalid) {
            return new AppendOutcome.Rejected(AppendError.INVALID_TXN_STATE, invalid.message());
        }
        return null;
    }

    /** Stamps and appends accepted batches, then commits them to the producer state. */
    private AppendOutcome write(ByteBuffer records, boolean logAppendTime, BatchFacts facts, RecordBatch batch, int epoch) {
        long now = time.milliseconds();
        for (int i = 0; i < facts.count(); i++) {
            records.putInt(facts.position(i) + RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, epoch);
            facts.leaderEpoch(i, epoch);
            if (logAppendTime) {
                batch.wrap(records, facts.position(i)).setLogAppendTime(now);
                facts.maxTimestamp(i, now);
            }
        }
        int appendSize = records.remaining(); // the append may consume the buffer
        AppendResult result;
        try {
            result = log.append(records, facts);
        } catch (InvalidRecordException e) {
            return new AppendOutcome.Rejected(e.reason() == InvalidRecordException.Reason.TOO_LARGE
                    ? AppendError.RECORD_LIST_TOO_LARGE : AppendError.CORRUPT_MESSAGE, e.getMessage());
        } catch (StorageException e) {
            // not logged here: the replica manager tells a deleted topic from a failed disk and logs the latter
            return new AppendOutcome.Rejected(AppendError.STORAGE_ERROR, e.getMessage());
        }
        committed(result, facts, appendSize, now);
        return new AppendOutcome.Appended(result.firstOffset(), result.lastOffset(), logAppendTime ? now : -1,
                log.logStartOffset(), false);
    }

    /**
     * Batches copied from the leader, offsets and epochs as they are, with no sequence checks (the
     * leader made those decisions); the producer state follows from the same facts.
     *
     * @throws InvalidRecordException if a batch is malformed or the offsets do not follow the log end
     */
    AppendResult appendAsFollower(ByteBuffer records, BatchFacts facts) {
        AppendResult result = log.appendWithOffsets(records, facts);
        committed(result, facts, result.bytes(), time.milliseconds());
        return result;
    }

    private void committed(AppendResult result, BatchFacts facts, int appendedBytes, long now) {
        if (result.rolledSegment()) {
            // the committed state is the state at the new segment's base offset (this append is not in it yet)
            producers.takeSnapshot(result.firstOffset(), log.logStartOffset());
        }
        producers.commit(facts, now, log);
        if (unsegmentedSnapshots != null && unsegmentedSnapshots.appended(appendedBytes, now, log.config())) {
            snapshotProducerState(now);
        }
    }

    /** min(high watermark, the first offset of a transaction open or not yet committed by replication). */
    long lastStableOffset(long highWatermark) {
        return producers.lastStableOffset(highWatermark);
    }

    /** Every producer of this partition as DescribeProducers shows it. */
    List<ProducerSummary> producers() {
        return producers.summaries();
    }

    /**
     * Applies retention; returns segments deleted. A roll it makes (by {@code segment.ms}, or a new
     * active segment when retention took them all) is at the log end with no append in between, so
     * the committed producer state is the state there: snapshotted, as at a roll during an append.
     */
    int enforceRetention() {
        long activeBefore = log.activeSegmentBaseOffset();
        int deleted = log.enforceRetention();
        long activeAfter = log.activeSegmentBaseOffset();
        if (activeAfter != activeBefore && activeAfter == log.logEndOffset()) {
            producers.takeSnapshot(activeAfter, log.logStartOffset());
        }
        long now = time.milliseconds();
        if (unsegmentedSnapshots != null && unsegmentedSnapshots.dueByTime(now, log.config())) {
            snapshotProducerState(now);
        }
        return deleted;
    }

    /** Expires idle producer ids (producer.id.expiration.ms). */
    void expireProducers(long expirationMs) {
        producers.expire(time.milliseconds(), expirationMs);
    }

    /** The committed producer state at the log end, saved so a restart need not rescan the log. */
    void snapshotProducerState() {
        snapshotProducerState(time.milliseconds());
    }

    private void snapshotProducerState(long now) {
        producers.takeSnapshot(log.logEndOffset(), log.logStartOffset());
        if (unsegmentedSnapshots != null) {
            unsegmentedSnapshots.snapshotted(now);
        }
    }

    /**
     * Removes every record at or after {@code offset} and rebuilds the producer state from the
     * nearest snapshot at or below it plus a replay, so a producer's retry of a truncated batch is
     * appended again, not answered as a duplicate.
     */
    void truncateTo(long offset) {
        log.truncateTo(offset);
        loadProducerState();
    }

    /** The producer state of the log as it now is: the newest usable snapshot, then the batches after it. */
    private void loadProducerState() {
        long now = time.milliseconds();
        LogReplay.forEachBatch(log, producers.restoreSnapshot(log), (batch, from) -> producers.replayed(batch, now, log));
    }

    /** Drops the whole log and restarts it empty at {@code offset}; the producer state (snapshots too) goes with it. */
    void truncateFullyAndStartAt(long offset) {
        log.truncateFullyAndStartAt(offset);
        producers.truncatedFully();
    }

    /**
     * Records that {@code epoch} starts at the log end (becoming or opening as its leader), so
     * OffsetsForLeaderEpoch knows it before the first append. Loading a log drops an epoch that wrote
     * nothing, hence also on opening. A storage without epoch history is told nothing.
     */
    void recordEpochStart(int epoch) {
        try {
            log.assignEpochStartOffset(epoch, log.logEndOffset());
        } catch (UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> topicPartition + ": the storage does not record epoch starts");
        }
    }

    /**
     * The leader epoch of the last batch in this log, or -1 if it has none: a follower's
     * LastFetchedEpoch. An epoch recorded at the log end with no batch yet (a start recorded when
     * the partition opened or led) is left out: it says nothing about what the log holds, and a
     * follower claiming it could hide a divergence from the leader.
     */
    int latestEpoch() {
        List<EpochEntry> epochs = log.epochs();
        long logEnd = log.logEndOffset();
        for (int i = epochs.size() - 1; i >= 0; i--) {
            if (epochs.get(i).startOffset() < logEnd) {
                return epochs.get(i).epoch();
            }
        }
        return -1;
    }

    /**
     * Where a follower that fetched from {@code fetchOffset} having {@code lastFetchedEpoch} diverged
     * from this (the leader's) log: the largest epoch and end offset they share, or null if it did not
     * (Kafka's {@code Partition.readRecords}).
     *
     * @throws OffsetOutOfRangeException if this log cannot say, or {@code fetchOffset} is before its start
     */
    EpochEndOffset divergingEpoch(int lastFetchedEpoch, long fetchOffset) {
        EpochEndOffset end = log.endOffsetForEpoch(lastFetchedEpoch);
        if (end.isUndefined()) {
            throw new OffsetOutOfRangeException("cannot determine the end offset of epoch " + lastFetchedEpoch
                    + " in " + topicPartition);
        }
        if (fetchOffset < log.logStartOffset()) {
            throw new OffsetOutOfRangeException("offset " + fetchOffset + " is before the log start "
                    + log.logStartOffset() + " of " + topicPartition);
        }
        return end.epoch() < lastFetchedEpoch || end.endOffset() < fetchOffset ? end : null;
    }
}

package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.producer.ProducerStateManager;
import dev.sluice.broker.producer.SequenceCheck;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition this broker leads: the log, its idempotent-producer state ({@link ProducerStateManager}), the leader epoch and
 * the high watermark. Appends are serialised by one lock; fetches read the log concurrently.
 * With one replica the high watermark is the log end; replication will move it by follower progress.
 */
public final class Partition implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Partition.class.getName());

    private final TopicPartition topicPartition;
    private final LogStorage log;
    private final Time time;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ProducerStateManager producers;
    /**
     * Per handler thread: the facts of the append being validated and a flyweight to walk it. A
     * request's facts are collected outside the append lock and then used under it by the same thread.
     */
    private static final ThreadLocal<BatchFacts> FACTS = ThreadLocal.withInitial(BatchFacts::new);
    private static final ThreadLocal<RecordBatch> FLYWEIGHT = ThreadLocal.withInitial(RecordBatch::new);
    private volatile PartitionSettings settings;
    private volatile PartitionRole role;
    private volatile long highWatermark;
    private final ReplicaProgress replicas = new ReplicaProgress();
    private final AppendedBytes appendedBytes = new AppendedBytes();
    private volatile Runnable progressListener = () -> { };
    /** Set by the controller's LeaderAndIsr; null while the partition is this node's alone. */
    private volatile ReplicaAssignment assignment;
    /** For a log without segments: when it snapshots producer state instead of at rolls; else null. */
    private final SnapshotCadence unsegmentedSnapshots;

    /**
     * @param checkpointedHighWatermark the last high watermark written to the checkpoint, or -1
     * @param producerSnapshots         this partition's directory of producer-state snapshots
     */
    public Partition(LogStorage log, PartitionSettings settings, int leaderEpoch, long checkpointedHighWatermark,
                     Path producerSnapshots, Time time) {
        this.topicPartition = log.topicPartition();
        this.log = log;
        this.settings = settings;
        this.role = new PartitionRole.Leader(leaderEpoch);
        this.time = time;
        this.producers = new ProducerStateManager(topicPartition, producerSnapshots, time);
        this.highWatermark = Math.max(log.logStartOffset(), Math.min(checkpointedHighWatermark, log.logEndOffset()));
        recordEpochStart(leaderEpoch);
        producers.load(log);
        this.unsegmentedSnapshots = log.activeSegmentBaseOffset() < 0 ? new SnapshotCadence(time.milliseconds()) : null;
        maybeIncrementHighWatermark();
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public LogStorage log() {
        return log;
    }

    public int leaderEpoch() {
        return role.leaderEpoch();
    }

    /** The replicas and ISR the controller assigned, or null if none did (a single node). */
    public ReplicaAssignment assignment() {
        return assignment;
    }

    /** Records the controller's assignment (LeaderAndIsr), after the role change it came with. */
    public void assignment(ReplicaAssignment assignment) {
        this.assignment = assignment;
    }

    /** This broker's role for the partition: leader, follower or offline. */
    public PartitionRole role() {
        return role;
    }

    /**
     * Makes this broker the leader in {@code epoch} with the given followers and in-sync followers.
     * The epoch's start (the log end now) goes into the storage's epoch history at once, as Kafka
     * does, so OffsetsForLeaderEpoch knows it before the first append; appends carry the new epoch.
     */
    public void becomeLeader(int epoch, java.util.Set<Integer> followers, java.util.Set<Integer> inSyncFollowers) {
        appendLock.lock();
        try {
            log.assignEpochStartOffset(epoch, log.logEndOffset());
            replicas.assign(followers, inSyncFollowers);
            role = new PartitionRole.Leader(epoch);
        } finally {
            appendLock.unlock();
        }
        progressListener.run(); // waiters re-check against the new role
    }

    /**
     * Opening as leader in {@code epoch} records its start like {@link #becomeLeader}: loading a log
     * drops an epoch that wrote nothing, and OffsetsForLeaderEpoch must know the current one.
     */
    private void recordEpochStart(int epoch) {
        try {
            log.assignEpochStartOffset(epoch, log.logEndOffset());
        } catch (UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> topicPartition + ": the storage does not record epoch starts");
        }
    }

    /**
     * OffsetsForLeaderEpoch: the largest epoch at or below {@code epoch} this log knows and where it
     * ended, as Kafka answers (the storage's {@link LogStorage#endOffsetForEpoch}).
     */
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        return log.endOffsetForEpoch(epoch);
    }

    /** Broker {@code leaderId} leads from {@code epoch} on; this broker stops taking produce and fetch. */
    public void becomeFollower(int leaderId, int epoch) {
        appendLock.lock();
        try {
            replicas.assign(java.util.Set.of(), java.util.Set.of());
            role = new PartitionRole.Follower(leaderId, epoch);
        } finally {
            appendLock.unlock();
        }
        progressListener.run(); // waiting produces answer NOT_LEADER_OR_FOLLOWER now
    }

    /** The log became unusable (its directory failed): the partition answers KAFKA_STORAGE_ERROR. */
    public void markOffline() {
        role = new PartitionRole.Offline();
        progressListener.run();
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    public void settings(PartitionSettings settings) {
        this.settings = settings;
    }

    /**
     * Called outside the lock after the log end or the high watermark moved (an append, a follower's
     * progress): wakes delayed fetches and delayed produces.
     */
    public void onProgress(Runnable listener) {
        this.progressListener = listener;
    }

    /**
     * Sets the followers of this partition and which of them are in sync (this broker, the leader,
     * is always in sync). Today every partition has only its leader; replication will call this.
     */
    public void assignReplicas(java.util.Set<Integer> followers, java.util.Set<Integer> inSyncFollowers) {
        appendLock.lock();
        try {
            replicas.assign(followers, inSyncFollowers);
        } finally {
            appendLock.unlock();
        }
    }

    /** True if {@code replicaId} is a follower of this partition (may fetch as a replica). */
    public boolean isFollower(int replicaId) {
        return replicas.isFollower(replicaId);
    }

    /**
     * A follower fetched from {@code followerLogEndOffset}: records its position and moves the high
     * watermark if the in-sync replicas now all have more. Returns false if it is not a follower.
     */
    public boolean updateFollowerFetchState(int replicaId, long followerLogEndOffset) {
        boolean moved;
        appendLock.lock();
        try {
            if (!replicas.update(replicaId, followerLogEndOffset)) {
                return false;
            }
            moved = maybeIncrementHighWatermark();
        } finally {
            appendLock.unlock();
        }
        if (moved) {
            progressListener.run();
        }
        return true;
    }

    /**
     * Validates and appends a produce request's records for this partition. Offsets are assigned
     * by rewriting batch headers in place; record data is neither decompressed nor copied.
     */
    public AppendOutcome appendAsLeader(ByteBuffer records) {
        PartitionSettings rules = settings;
        BatchFacts facts = FACTS.get();
        RecordBatch batch = FLYWEIGHT.get();
        AppendOutcome invalid = validate(records, rules, facts, batch);
        if (invalid != null) {
            return invalid;
        }
        AppendOutcome outcome;
        appendLock.lock();
        try {
            outcome = appendLocked(records, rules, facts, batch);
        } finally {
            appendLock.unlock();
        }
        if (outcome instanceof AppendOutcome.Appended appended && !appended.duplicate()) {
            progressListener.run();
        }
        return outcome;
    }

    /**
     * The one walk over the headers: checks each batch and records its facts, which every later
     * step (sequence check, stamping, storage append, index update, producer state) reads instead.
     */
    private AppendOutcome validate(ByteBuffer records, PartitionSettings rules, BatchFacts facts, RecordBatch batch) {
        facts.clear();
        if (!records.hasRemaining()) {
            return new AppendOutcome.Rejected(AppendError.CORRUPT_MESSAGE, "empty record set");
        }
        int segmentBytes = log.config().segmentBytes();
        if (records.remaining() > segmentBytes) {
            // as Kafka: not retriable, so a producer gives up at once instead of retrying until its delivery timeout
            return new AppendOutcome.Rejected(AppendError.RECORD_LIST_TOO_LARGE, "record batches of " + records.remaining()
                    + " bytes are larger than the topic's segment.bytes=" + segmentBytes);
        }
        boolean createTime = rules.timestampType() == TimestampType.CREATE_TIME;
        long now = time.milliseconds();
        int position = records.position();
        while (position < records.limit()) {
            batch.wrap(records, position);
            int available = records.limit() - position;
            if (available >= RecordBatch.MAGIC_OFFSET + 1 && batch.magic() != RecordBatch.MAGIC_V2) {
                return new AppendOutcome.Rejected(AppendError.UNSUPPORTED_FOR_MESSAGE_FORMAT,
                        "record batch magic " + batch.magic() + " is not supported; use a client that writes v2 batches");
            }
            try {
                // the CRC is checked once, by the log append before anything is written; only a batch
                // about to be re-stamped with LogAppendTime (which rewrites its CRC) is checked here first
                if (rules.timestampType() == TimestampType.LOG_APPEND_TIME) {
                    batch.validate(available);
                } else {
                    batch.validateStructure(available);
                }
            } catch (InvalidRecordException e) {
                return new AppendOutcome.Rejected(AppendError.CORRUPT_MESSAGE, e.getMessage());
            }
            if (batch.sizeInBytes() > rules.maxMessageBytes()) {
                return new AppendOutcome.Rejected(AppendError.MESSAGE_TOO_LARGE, "record batch of " + batch.sizeInBytes()
                        + " bytes exceeds max.message.bytes=" + rules.maxMessageBytes());
            }
            int codec = batch.compressionId();
            if (codec > CompressionType.ZSTD.id() && !CompressionCodecs.installed().has(codec)) {
                // ids 5-7 belong to plugin codecs: only accept what this broker could hand to a reader that has it
                return new AppendOutcome.Rejected(AppendError.UNSUPPORTED_COMPRESSION_TYPE, "compression codec id "
                        + codec + " is not installed on this broker; add the plugin that provides it");
            }
            if (batch.isControl()) {
                return new AppendOutcome.Rejected(AppendError.INVALID_RECORD, "clients may not write control batches");
            }
            if (batch.isTransactional()) {
                return new AppendOutcome.Rejected(AppendError.TRANSACTIONS_NOT_SUPPORTED,
                        "transactional produce is not supported yet");
            }
            if (batch.recordCount() == 0) {
                return new AppendOutcome.Rejected(AppendError.INVALID_RECORD, "record batch has no records");
            }
            if (createTime) {
                AppendOutcome outOfRange = checkTimestamps(batch, now, rules);
                if (outOfRange != null) {
                    return outOfRange;
                }
            }
            facts.add(batch);
            position += batch.sizeInBytes();
        }
        // LogAppendTime batches were CRC-checked above and get a new CRC when stamped: the log need not check again
        facts.crcVerified(!createTime);
        return null;
    }

    /**
     * {@code message.timestamp.before/after.max.ms} of a CreateTime topic, checked on the batch header
     * (records are not decoded on append): the batch's max timestamp against the upper bound and its
     * base timestamp (the first record's) against the lower one. Kafka checks every record.
     */
    private static AppendOutcome checkTimestamps(RecordBatch batch, long now, PartitionSettings rules) {
        long max = batch.maxTimestamp();
        if (max != RecordBatch.NO_TIMESTAMP && max - now > rules.timestampAfterMaxMs()) {
            return new AppendOutcome.Rejected(AppendError.INVALID_TIMESTAMP, "timestamp " + max + " is more than "
                    + "message.timestamp.after.max.ms=" + rules.timestampAfterMaxMs() + " ahead of the broker's time " + now);
        }
        long base = batch.baseTimestamp();
        if (base != RecordBatch.NO_TIMESTAMP && now - base > rules.timestampBeforeMaxMs()) {
            return new AppendOutcome.Rejected(AppendError.INVALID_TIMESTAMP, "timestamp " + base + " is more than "
                    + "message.timestamp.before.max.ms=" + rules.timestampBeforeMaxMs() + " behind the broker's time " + now);
        }
        return null;
    }

    private AppendOutcome appendLocked(ByteBuffer records, PartitionSettings rules, BatchFacts facts, RecordBatch batch) {
        if (!(role instanceof PartitionRole.Leader leader)) { // the role changes under this lock
            return new AppendOutcome.Rejected(AppendError.NOT_LEADER_OR_FOLLOWER, topicPartition + ": not the leader");
        }
        boolean logAppendTime = rules.timestampType() == TimestampType.LOG_APPEND_TIME;
        // Idempotence: each batch against the committed state staged with the request's earlier batches;
        // only the first batch can be answered as a retry (clients send one batch per partition)
        SequenceCheck check = producers.checkAsLeader(facts);
        if (check instanceof SequenceCheck.Duplicate dup) {
            LOG.log(System.Logger.Level.DEBUG, () -> topicPartition + ": duplicate batch from producer "
                    + facts.producerId(0) + " answered with offset " + dup.firstOffset());
            return new AppendOutcome.Appended(dup.firstOffset(), dup.lastOffset(),
                    logAppendTime ? dup.timestamp() : -1, log.logStartOffset(), true);
        }
        if (check instanceof SequenceCheck.Fenced fenced) {
            return new AppendOutcome.Rejected(AppendError.INVALID_PRODUCER_EPOCH, fenced.message());
        }
        if (check instanceof SequenceCheck.OutOfOrder outOfOrder) {
            return new AppendOutcome.Rejected(AppendError.OUT_OF_ORDER_SEQUENCE_NUMBER, outOfOrder.message());
        }
        long now = time.milliseconds();
        int epoch = leader.leaderEpoch();
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
        if (result.rolledSegment()) {
            // the committed state is the state at the new segment's base offset (this append is not in it yet)
            producers.takeSnapshot(result.firstOffset(), log.logStartOffset());
        }
        producers.commit(facts, now);
        snapshotIfDueWithoutSegments(appendSize, now);
        maybeIncrementHighWatermark();
        appendedBytes.appended(result.lastOffset() + 1, appendSize, highWatermark);
        return new AppendOutcome.Appended(result.firstOffset(), result.lastOffset(), logAppendTime ? now : -1,
                log.logStartOffset(), false);
    }

    /**
     * Appends batches copied from the leader (the replication path, later), offsets and leader
     * epochs as they are: the headers are walked once (CRC included) into facts, the log stores the
     * batches from them, and the producer state is updated from the same facts with no sequence
     * checks, since the leader made those decisions. The high watermark is left to the caller.
     *
     * @throws InvalidRecordException if a batch is malformed or the offsets do not follow the log end
     */
    public AppendResult appendAsFollower(ByteBuffer records) {
        BatchFacts facts = FACTS.get();
        facts.collectValidated(records, FLYWEIGHT.get());
        appendLock.lock();
        try {
            AppendResult result = log.appendWithOffsets(records, facts);
            if (result.rolledSegment()) {
                producers.takeSnapshot(result.firstOffset(), log.logStartOffset());
            }
            long now = time.milliseconds();
            producers.commit(facts, now);
            snapshotIfDueWithoutSegments(result.bytes(), now);
            return result;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * A follower's high watermark after a fetch: the leader's, but never past this replica's own
     * log end (nor below its log start), as Kafka's follower sets it. It may move back (a new
     * leader's high watermark can lag the old one's for a moment); consumers never read a follower.
     */
    public void updateFollowerHighWatermark(long leaderHighWatermark) {
        appendLock.lock();
        try {
            long hw = Math.max(log.logStartOffset(), Math.min(leaderHighWatermark, log.logEndOffset()));
            if (hw > highWatermark) {
                appendedBytes.highWatermarkMoved(hw);
            }
            highWatermark = hw;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * The leader epoch of the last batch in this replica's log, or -1 if it has none: a follower's
     * LastFetchedEpoch. An epoch recorded at the log end with no batch yet (a start recorded when
     * the partition opened or led) is left out: it says nothing about what the log holds, and a
     * follower claiming it could hide a divergence from the leader.
     */
    public int latestEpoch() {
        java.util.List<dev.sluice.api.storage.EpochEntry> epochs = log.epochs();
        long logEnd = log.logEndOffset();
        for (int i = epochs.size() - 1; i >= 0; i--) {
            if (epochs.get(i).startOffset() < logEnd) {
                return epochs.get(i).epoch();
            }
        }
        return -1;
    }

    /**
     * Moves the high watermark forward to the smallest log end among the in-sync replicas (with no
     * followers, this broker's own log end). Never moves it back. Caller holds the append lock.
     */
    private boolean maybeIncrementHighWatermark() {
        long candidate = replicas.highWatermarkFor(log.logEndOffset());
        if (candidate > highWatermark) {
            highWatermark = candidate;
            appendedBytes.highWatermarkMoved(candidate);
            return true;
        }
        return false;
    }

    /**
     * Reads for a consumer (up to the high watermark) or a follower (up to the log end).
     *
     * @throws dev.sluice.api.storage.OffsetOutOfRangeException if the offset is outside the log
     */
    public FetchedData read(long fetchOffset, int maxBytes, boolean upToLogEnd, boolean minOneBatch) {
        long hw = highWatermark;
        long limit = upToLogEnd ? log.logEndOffset() : hw;
        LogSlice slice = fetchOffset >= limit && fetchOffset <= log.logEndOffset()
                ? LogSlice.EMPTY
                : log.read(fetchOffset, limit, maxBytes, minOneBatch);
        return new FetchedData(slice, hw, log.logStartOffset(), log.logEndOffset());
    }

    /**
     * Bytes appended since this partition was opened, up to the log end or the high watermark: a
     * position a delayed fetch compares to decide whether enough bytes arrived, without reading.
     */
    public long appendedBytes(boolean upToLogEnd) {
        return upToLogEnd ? appendedBytes.toLogEnd() : appendedBytes.toHighWatermark();
    }

    /** DeleteRecords: moves the log start forward (never past the high watermark). */
    public long deleteRecordsBefore(long offset) {
        appendLock.lock();
        try {
            long target = offset < 0 ? highWatermark : offset; // -1 means "up to the high watermark"
            if (target > highWatermark) {
                throw new IllegalArgumentException("offset " + offset + " is beyond the high watermark " + highWatermark);
            }
            return log.deleteRecordsBefore(target);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Applies retention; returns segments deleted. A roll it makes (by {@code segment.ms}, or a new
     * active segment when retention took them all) is at the log end with no append in between
     * (append lock), so the committed producer state is the state there: snapshotted, as at a roll
     * during an append.
     */
    public int enforceRetention() {
        appendLock.lock();
        try {
            long activeBefore = log.activeSegmentBaseOffset();
            int deleted = log.enforceRetention();
            long activeAfter = log.activeSegmentBaseOffset();
            if (activeAfter != activeBefore && activeAfter == log.logEndOffset()) {
                producers.takeSnapshot(activeAfter, log.logStartOffset());
            }
            long now = time.milliseconds();
            if (unsegmentedSnapshots != null && unsegmentedSnapshots.dueByTime(now, log.config())) {
                producers.takeSnapshot(log.logEndOffset(), log.logStartOffset());
                unsegmentedSnapshots.snapshotted(now);
            }
            return deleted;
        } finally {
            appendLock.unlock();
        }
    }

    /** A log without segments: the committed state at the log end, snapshotted when a roll would be due. */
    private void snapshotIfDueWithoutSegments(int appendedBytes, long now) {
        if (unsegmentedSnapshots != null && unsegmentedSnapshots.appended(appendedBytes, now, log.config())) {
            producers.takeSnapshot(log.logEndOffset(), log.logStartOffset());
            unsegmentedSnapshots.snapshotted(now);
        }
    }

    /** Expires idle producer ids (producer.id.expiration.ms). */
    public void expireProducers(long expirationMs) {
        appendLock.lock();
        try {
            producers.expire(time.milliseconds(), expirationMs);
        } finally {
            appendLock.unlock();
        }
    }

    /** Saves producer state so a restart need not rescan the whole log. */
    public void snapshotProducerState() {
        appendLock.lock();
        try {
            producers.takeSnapshot(log.logEndOffset(), log.logStartOffset());
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Removes every record at or after {@code offset} (a follower diverging from its leader, later)
     * and rebuilds the producer state from the nearest snapshot at or below it plus a replay, so a
     * producer's retry of a truncated batch is appended again, not answered as a duplicate.
     */
    public void truncateTo(long offset) {
        appendLock.lock();
        try {
            log.truncateTo(offset);
            producers.truncated(log);
            highWatermark = Math.min(highWatermark, log.logEndOffset());
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Drops the whole log and restarts it empty at {@code offset} (a follower whose leader's log
     * starts past its own end, later). The producer state goes with it, snapshots included, and
     * the high watermark becomes {@code offset}, as Kafka moves it to the new log start.
     */
    public void truncateFullyAndStartAt(long offset) {
        appendLock.lock();
        try {
            log.truncateFullyAndStartAt(offset);
            producers.truncatedFully();
            highWatermark = log.logEndOffset();
        } finally {
            appendLock.unlock();
        }
        progressListener.run();
    }

    @Override
    public void close() {
        snapshotProducerState();
        log.close();
    }
}

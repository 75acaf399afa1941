package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.EndTxnMarker;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.producer.ProducerSummary;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * One partition on this broker: its role (leader, follower, offline) and leader epoch, composed of
 * the local copy ({@link ReplicaLog}: the log and its producer state), its {@link Watermarks} (high
 * watermark, last stable offset), as leader the ISR upkeep ({@link InSyncReplicas}), and as follower
 * what the replica fetcher does to the copy ({@link FollowerReplication}). Leaders' appends and reads
 * are here. With no followers the high watermark is the log end.
 *
 * <p>Threads: request handler threads (appends, fetches, control requests), replica fetchers, the
 * ISR check and housekeeping on their schedulers. Appends, role changes, ISR changes and every change
 * to the log are serialised by one lock, the append lock; fetches read the log concurrently, seeing
 * the volatile role and watermarks.
 */
public final class Partition implements AutoCloseable {
    private final TopicPartition topicPartition;
    private final LogStorage log;
    private final ReplicaLog replicaLog;
    private final Time time;
    private final ReentrantLock appendLock = new ReentrantLock();
    /**
     * Per handler thread: the facts of the append being validated and a flyweight to walk it. A
     * request's facts are collected outside the append lock and then used under it by the same thread.
     */
    static final ThreadLocal<BatchFacts> FACTS = ThreadLocal.withInitial(BatchFacts::new);
    static final ThreadLocal<RecordBatch> FLYWEIGHT = ThreadLocal.withInitial(RecordBatch::new);
    private volatile PartitionSettings settings;
    private volatile PartitionRole role;
    private final Watermarks watermarks;
    private final InSyncReplicas isr;
    private final FollowerReplication follower;
    private volatile Runnable progressListener = () -> { };
    /** Where the current leader epoch started (the log end when this broker became its leader). */
    private volatile long leaderEpochStartOffset;

    /**
     * Opens the partition as its leader in {@code leaderEpoch} (a single node).
     *
     * @param checkpointedHighWatermark the last high watermark written to the checkpoint, or -1
     * @param producerSnapshots         this partition's directory of producer-state snapshots
     */
    public Partition(LogStorage log, PartitionSettings settings, int leaderEpoch, long checkpointedHighWatermark,
                     Path producerSnapshots, Time time) {
        this(log, settings, leaderEpoch, checkpointedHighWatermark, producerSnapshots, time, true);
    }

    /**
     * @param leading false in a cluster: until the controller's LeaderAndIsr says what this replica is,
     *                it leads nothing (a follower of no leader: produce and fetch answer
     *                NOT_LEADER_OR_FOLLOWER), records no epoch start and keeps the checkpointed high
     *                watermark, so a restarted broker never acknowledges a write on its own
     */
    public Partition(LogStorage log, PartitionSettings settings, int leaderEpoch, long checkpointedHighWatermark,
                     Path producerSnapshots, Time time, boolean leading) {
        this.topicPartition = log.topicPartition();
        this.log = log;
        this.settings = settings;
        this.role = leading ? new PartitionRole.Leader(leaderEpoch) : new PartitionRole.Follower(-1, leaderEpoch);
        this.time = time;
        this.isr = new InSyncReplicas(topicPartition);
        this.replicaLog = new ReplicaLog(log, producerSnapshots, time);
        this.watermarks = new Watermarks(replicaLog, checkpointedHighWatermark);
        this.follower = new FollowerReplication(appendLock, replicaLog, watermarks, () -> progressListener.run());
        if (leading) {
            replicaLog.recordEpochStart(leaderEpoch);
        }
        this.leaderEpochStartOffset = log.logEndOffset();
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

    /** The replicas, the ISR and the changes to it this broker proposes as leader. */
    public InSyncReplicas isr() {
        return isr;
    }

    /** What the replica fetcher does to this copy while following a leader. */
    public FollowerReplication follower() {
        return follower;
    }

    /** Records the controller's assignment (LeaderAndIsr), after the role change it came with. */
    public void assignment(ReplicaAssignment assignment) {
        isr.assignment(assignment);
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
    public void becomeLeader(int epoch, Set<Integer> followers, Set<Integer> inSyncFollowers) {
        becomeLeader(epoch, followers, inSyncFollowers, 0);
    }

    /** As {@link #becomeLeader(int, java.util.Set, java.util.Set)}, at the controller's partition epoch. */
    public void becomeLeader(int epoch, Set<Integer> followers, Set<Integer> inSyncFollowers,
                             int partitionEpoch) {
        appendLock.lock();
        try {
            long start = log.logEndOffset();
            log.assignEpochStartOffset(epoch, start);
            leaderEpochStartOffset = start;
            isr.assign(followers, inSyncFollowers, partitionEpoch, time.milliseconds(), true);
            role = new PartitionRole.Leader(epoch);
            maybeIncrementHighWatermark();
        } finally {
            appendLock.unlock();
        }
        progressListener.run(); // waiters re-check against the new role
    }

    /** The offset at which this broker's current leader epoch started (its log end on becoming leader). */
    public long leaderEpochStartOffset() {
        return leaderEpochStartOffset;
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
            isr.assign(Set.of(), Set.of(), 0, time.milliseconds(), true);
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
        return watermarks.highWatermark();
    }

    /**
     * The last stable offset: below it every transaction is decided and its marker replicated
     * (Kafka's LSO); read_committed fetches and ListOffsets stop there. At most the high watermark.
     */
    public long lastStableOffset() {
        return watermarks.lastStableOffset();
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

    /** Which brokers are alive (the metadata cache), for the high and low watermarks. */
    public void liveBrokers(IntPredicate alive) {
        isr.liveBrokers(alive);
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
     * is always in sync), as a LeaderAndIsr under the same leader epoch does.
     */
    public void assignReplicas(Set<Integer> followers, Set<Integer> inSyncFollowers) {
        assignReplicas(followers, inSyncFollowers, 0);
    }

    /** As {@link #assignReplicas(java.util.Set, java.util.Set)}, at the controller's partition epoch. */
    public void assignReplicas(Set<Integer> followers, Set<Integer> inSyncFollowers, int partitionEpoch) {
        boolean moved;
        appendLock.lock();
        try {
            isr.assign(followers, inSyncFollowers, partitionEpoch, time.milliseconds(), false);
            moved = maybeIncrementHighWatermark();
        } finally {
            appendLock.unlock();
        }
        if (moved) {
            progressListener.run();
        }
    }

    /**
     * A follower fetched from {@code fetchOffset} (its log end) with {@code followerLogStartOffset}
     * while this log ended at {@code leaderLogEndOffset} (read before the fetch's read, so appends
     * racing the fetch do not keep a follower out of sync). Records its position and caught-up time,
     * moves the high watermark if the ISR now all have more, and returns an ISR expansion to send to
     * the controller if the follower may join now (else null).
     */
    public IsrChange updateFollowerFetchState(int replicaId, long fetchOffset, long followerLogStartOffset,
                                              long leaderLogEndOffset) {
        return recordFollowerFetch(replicaId, fetchOffset, followerLogStartOffset, leaderLogEndOffset, true);
    }

    /**
     * A follower's position without the rest of a fetch (tests and fakes with no controller): as
     * {@link #updateFollowerFetchState(int, long, long, long)} with its log start unknown and the
     * log end now, proposing no ISR change. False if {@code replicaId} is not a follower.
     */
    public boolean updateFollowerFetchState(int replicaId, long fetchOffset) {
        if (!isr.isFollower(replicaId)) {
            return false;
        }
        recordFollowerFetch(replicaId, fetchOffset, InSyncReplicas.UNKNOWN, log.logEndOffset(), false);
        return true;
    }

    private IsrChange recordFollowerFetch(int replicaId, long fetchOffset, long followerLogStartOffset,
                                          long leaderLogEndOffset, boolean mayProposeIsrChange) {
        IsrChange expand = null;
        boolean moved;
        appendLock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader)) {
                return null;
            }
            InSyncReplicas.Update update = isr.followerFetched(replicaId, fetchOffset, followerLogStartOffset,
                    time.milliseconds(), leaderLogEndOffset);
            if (update == InSyncReplicas.Update.NOT_A_FOLLOWER) {
                return null;
            }
            if (mayProposeIsrChange) {
                expand = isr.proposeExpansion(replicaId, leader.leaderEpoch(), watermarks.highWatermark(),
                        leaderEpochStartOffset);
            }
            moved = maybeIncrementHighWatermark() || update == InSyncReplicas.Update.LOG_START_MOVED;
        } finally {
            appendLock.unlock();
        }
        if (moved) { // the high or the low watermark may have moved: waiters re-check
            progressListener.run();
        }
        return expand;
    }

    /**
     * The periodic ISR check (Kafka's {@code maybeShrinkIsr}): the in-sync followers that have not
     * caught up within {@code replica.lag.time.max.ms} are proposed for removal; returns the change
     * to send to the controller, or null (nothing to remove, not the leader, a change pending).
     */
    public IsrChange maybeShrinkIsr() {
        return locked(() -> role instanceof PartitionRole.Leader leader
                ? isr.proposeShrink(leader.leaderEpoch(), log.logEndOffset(), time.milliseconds(), settings.replicaLagTimeMaxMs())
                : null);
    }

    /**
     * The controller answered {@code change}. Committed under the same leader epoch, the new ISR
     * and partition epoch take effect (and may move the high watermark); an answer to a change no
     * longer pending (a LeaderAndIsr came first) is ignored.
     */
    public void isrChangeAnswered(IsrChange change, IsrChangeAnswer answer, int localBrokerId) {
        appendLock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader) || leader.leaderEpoch() != change.leaderEpoch()) {
                return;
            }
            if (isr.answered(change, answer, localBrokerId, leader.leaderEpoch())) {
                maybeIncrementHighWatermark();
            }
        } finally {
            appendLock.unlock();
        }
        // the ISR changed: waiting acks=all produces re-check (fewer in sync may answer NOT_ENOUGH_REPLICAS_AFTER_APPEND)
        progressListener.run();
    }

    /**
     * Kafka's low watermark: the smallest log start among this leader and its live followers.
     * DeleteRecords completes when it reaches the requested offset.
     */
    public long lowWatermark() {
        return isr.lowWatermark(log.logStartOffset());
    }

    /**
     * {@code min.insync.replicas} as it applies here: at most the number of replicas, so a broker
     * default above a topic's replication factor does not make it unwritable.
     */
    public int effectiveMinInSyncReplicas() {
        return isr.effectiveMinInSyncReplicas(settings.minInSyncReplicas());
    }

    /**
     * A follower's fetch names the last epoch it has ({@code lastFetchedEpoch}) and its log end
     * ({@code fetchOffset}): if this log's history says the follower's diverged (that epoch ended
     * here before {@code fetchOffset}, or this log has only a smaller epoch at or below it), the
     * largest epoch and end offset they share, for the follower to truncate to; null if not
     * (Kafka's {@code Partition.readRecords}).
     *
     * @throws OffsetOutOfRangeException if this log cannot say, or {@code fetchOffset} is before its start
     */
    public EpochEndOffset divergingEpoch(int lastFetchedEpoch, long fetchOffset) {
        return replicaLog.divergingEpoch(lastFetchedEpoch, fetchOffset);
    }

    /**
     * Validates and appends a produce request's records for this partition. Offsets are assigned
     * by rewriting batch headers in place; record data is neither decompressed nor copied.
     */
    public AppendOutcome appendAsLeader(ByteBuffer records) {
        PartitionSettings rules = settings;
        BatchFacts facts = FACTS.get();
        RecordBatch batch = FLYWEIGHT.get();
        AppendOutcome invalid = ProduceValidation.validate(records, rules, facts, batch, log.config().segmentBytes(),
                time.milliseconds());
        if (invalid == null && rules.compacted()) {
            invalid = CompactedTopicKeys.check(records, topicPartition);
        }
        if (invalid != null) {
            return invalid;
        }
        boolean logAppendTime = rules.timestampType() == TimestampType.LOG_APPEND_TIME;
        int appendSize = records.remaining(); // the append may consume the buffer
        AppendOutcome outcome;
        appendLock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader)) { // the role changes under this lock
                return new AppendOutcome.Rejected(AppendError.NOT_LEADER_OR_FOLLOWER, topicPartition + ": not the leader");
            }
            outcome = replicaLog.appendAsLeader(records, logAppendTime, facts, batch, leader.leaderEpoch());
            appended(outcome, appendSize);
        } finally {
            appendLock.unlock();
        }
        if (outcome instanceof AppendOutcome.Appended appended && !appended.duplicate()) {
            progressListener.run();
        }
        return outcome;
    }

    /**
     * After an append as leader: the high watermark may move (no followers), the last stable offset
     * and fetches' byte positions do.
     */
    private void appended(AppendOutcome outcome, int appendSize) {
        if (outcome instanceof AppendOutcome.Appended appended && !appended.duplicate()) {
            watermarks.appended(appended.lastOffset() + 1, appendSize, highWatermarkCandidate());
        }
    }

    /**
     * A transaction coordinator's commit or abort marker for {@code producerId} (WriteTxnMarkers),
     * appended as a control batch under the leader's rules: a producer epoch older than the
     * partition's → INVALID_PRODUCER_EPOCH, a coordinator epoch older than the last marker's →
     * TRANSACTION_COORDINATOR_FENCED. The marker ends the producer's open transaction (if any); an
     * abort adds it to the aborted-transaction index.
     */
    public AppendOutcome appendTxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {
        ByteBuffer marker = EndTxnMarker.batch(producerId, producerEpoch, coordinatorEpoch, commit, time.milliseconds());
        BatchFacts facts = FACTS.get();
        RecordBatch batch = FLYWEIGHT.get();
        facts.clear().add(batch.wrap(marker, 0));
        facts.crcVerified(true); // built here with its CRC; stamping the leader epoch leaves it valid
        AppendOutcome outcome;
        appendLock.lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader)) {
                return new AppendOutcome.Rejected(AppendError.NOT_LEADER_OR_FOLLOWER, topicPartition + ": not the leader");
            }
            int appendSize = marker.remaining();
            outcome = replicaLog.appendTxnMarker(marker, producerId, producerEpoch, coordinatorEpoch,
                    settings.timestampType() == TimestampType.LOG_APPEND_TIME, facts, batch, leader.leaderEpoch());
            appended(outcome, appendSize);
        } finally {
            appendLock.unlock();
        }
        if (outcome instanceof AppendOutcome.Appended) {
            progressListener.run();
        }
        return outcome;
    }

    /** Every producer of this partition as DescribeProducers shows it. */
    public List<ProducerSummary> producers() {
        return locked(replicaLog::producers);
    }

    /**
     * Moves the high watermark forward to the smallest log end among the in-sync replicas (with no
     * followers, this broker's own log end). Never moves it back. Caller holds the append lock.
     */
    private boolean maybeIncrementHighWatermark() {
        // a follower's high watermark is the leader's, set by the replication path
        return role instanceof PartitionRole.Leader && watermarks.raiseTo(highWatermarkCandidate());
    }

    /** The high watermark the in-sync replicas' log ends allow a leader now. Caller holds the append lock. */
    private long highWatermarkCandidate() {
        return isr.highWatermarkFor(log.logEndOffset(), time.milliseconds(), settings.replicaLagTimeMaxMs());
    }

    /**
     * Reads up to the log end (a follower), the high watermark (read_uncommitted) or the last stable
     * offset (read_committed, which also gets the aborted transactions overlapping what it reads).
     * The records are a zero-copy slice of the log either way.
     *
     * @throws dev.sluice.api.storage.OffsetOutOfRangeException if the offset is outside the log
     */
    public FetchedData read(long fetchOffset, int maxBytes, FetchIsolation isolation, boolean minOneBatch) {
        long lso = watermarks.lastStableOffset(); // first: it never passes the high watermark read after it
        long hw = watermarks.highWatermark();
        long limit = switch (isolation) {
            case LOG_END -> log.logEndOffset();
            case HIGH_WATERMARK -> hw;
            case TXN_COMMITTED -> lso;
        };
        boolean nothingToRead = fetchOffset >= limit && fetchOffset <= log.logEndOffset();
        // read_committed: the aborted transactions before the records. The cleaner drops an abort's index
        // entry only with or after its records, so records read after the list never belong to an abort
        // it misses (read the other way round, a cleaning in between showed aborted records as committed);
        // an entry whose records are gone by then is harmless.
        List<AbortedTxn> aborted = isolation != FetchIsolation.TXN_COMMITTED ? null
                : nothingToRead ? List.of() : log.abortedTransactions(fetchOffset, limit);
        LogSlice slice = nothingToRead ? LogSlice.EMPTY : log.read(fetchOffset, limit, maxBytes, minOneBatch);
        if (aborted != null && slice.sizeInBytes() == 0) {
            aborted = List.of();
        }
        return new FetchedData(slice, hw, lso, log.logStartOffset(), log.logEndOffset(), aborted);
    }

    /**
     * Bytes appended since this partition was opened, up to the log end or the high watermark: a
     * position a delayed fetch compares to decide whether enough bytes arrived, without reading.
     */
    public long appendedBytes(boolean upToLogEnd) {
        return watermarks.appendedBytes(upToLogEnd);
    }

    /** DeleteRecords: moves the log start forward (never past the high watermark). */
    public long deleteRecordsBefore(long offset) {
        return locked(() -> {
            long highWatermark = watermarks.highWatermark();
            long target = offset < 0 ? highWatermark : offset; // -1 means "up to the high watermark"
            if (target > highWatermark) {
                throw new IllegalArgumentException("offset " + offset + " is beyond the high watermark " + highWatermark);
            }
            return log.deleteRecordsBefore(target);
        });
    }

    /**
     * Applies retention; returns segments deleted. A roll it makes (by {@code segment.ms}, or a new
     * active segment when retention took them all) is at the log end with no append in between
     * (append lock), so the committed producer state is the state there: snapshotted, as at a roll
     * during an append.
     */
    public int enforceRetention() {
        return locked(replicaLog::enforceRetention);
    }

    /** Expires idle producer ids (producer.id.expiration.ms). */
    public void expireProducers(long expirationMs) {
        locked(() -> replicaLog.expireProducers(expirationMs));
    }

    /** Saves producer state so a restart need not rescan the whole log. */
    public void snapshotProducerState() {
        locked(replicaLog::snapshotProducerState);
    }

    /** Runs {@code change} under the append lock (not on the append path: the lambda is an allocation). */
    private void locked(Runnable change) {
        appendLock.lock();
        try {
            change.run();
        } finally {
            appendLock.unlock();
        }
    }

    private <T> T locked(Supplier<T> change) {
        appendLock.lock();
        try {
            return change.get();
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public void close() {
        snapshotProducerState();
        log.close();
    }
}

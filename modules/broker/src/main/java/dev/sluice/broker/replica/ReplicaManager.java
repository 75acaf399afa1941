package dev.sluice.broker.replica;

import dev.sluice.api.Scheduler;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.delay.DelayedOperations;
import dev.sluice.broker.partition.AppendError;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.PartitionSettings;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Between the Produce/Fetch handlers and the partitions (Kafka's ReplicaManager, lean): appends
 * with the request's acks (0, 1, or all: an acks=all answer waits in a {@link DelayedProduce}
 * until the high watermark passes what was appended), reads the local logs for consumers (up to
 * the high watermark) and followers (up to the log end), parks fetches short of MinBytes in a
 * {@link DelayedFetch}, and records followers' positions when they fetch, which moves the high
 * watermark. Both kinds of waiters are woken by a partition's progress: appends and high-watermark
 * moves. Its parts: {@link LocalLogReader} (a fetch's read of the local logs), {@link IsrChangeSubmitter}
 * (ISR proposals to the controller), {@link LeadershipChanges} (LeaderAndIsr, StopReplica),
 * {@link TxnMarkerWriter} (WriteTxnMarkers).
 *
 * <p>Threads: request handler threads call in; delayed operations complete on the thread that
 * moved a partition or on the delayed-operation timers.
 */
public final class ReplicaManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReplicaManager.class.getName());

    private final int localBrokerId;
    private final PartitionManager partitions;
    private final Scheduler timer;
    private final DelayedOperations<TopicPartition> delayedProduces;
    private final DelayedOperations<TopicPartition> delayedFetches;
    private final DelayedOperations<TopicPartition> delayedDeletes;
    private final LeadershipChanges leadership;
    private final TxnMarkerWriter txnMarkers;
    private final IsrChangeSubmitter isrChanges;
    private final LocalLogReader reader;
    private volatile ReplicaEvents events = ReplicaEvents.NONE;

    /** Expires delayed operations on a timer thread of its own ({@code sluice-delayed-op-timer}). */
    public ReplicaManager(int localBrokerId, PartitionManager partitions) {
        this(localBrokerId, partitions, Scheduler.newThread("sluice-delayed-op-timer"));
    }

    /**
     * @param timer expires delayed produces and fetches (a test passes a manual clock's scheduler);
     *              owned from here on: closed with this
     */
    public ReplicaManager(int localBrokerId, PartitionManager partitions, Scheduler timer) {
        this(localBrokerId, partitions, timer, PartitionSettings.DEFAULT_REPLICA_LAG_TIME_MAX_MS);
    }

    /**
     * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: the ISR check runs every half of it
     *                            (as Kafka's isr-expiration task)
     */
    public ReplicaManager(int localBrokerId, PartitionManager partitions, Scheduler timer, long replicaLagTimeMaxMs) {
        this.localBrokerId = localBrokerId;
        this.partitions = partitions;
        this.timer = timer;
        this.delayedProduces = new DelayedOperations<>(timer);
        this.delayedFetches = new DelayedOperations<>(timer);
        this.delayedDeletes = new DelayedOperations<>(timer);
        this.leadership = new LeadershipChanges(localBrokerId, partitions);
        this.txnMarkers = new TxnMarkerWriter(partitions, this);
        partitions.onPartitionProgress(this::onProgress);
        this.isrChanges = new IsrChangeSubmitter(localBrokerId, partitions, timer, () -> events,
                Math.max(1, replicaLagTimeMaxMs / 2));
        this.reader = new LocalLogReader(localBrokerId, partitions, isrChanges);
    }

    /** Where ISR changes go (the controller link in a cluster); until set, they stay pending. */
    public void alterPartitionSender(AlterPartitionSender sender) {
        isrChanges.sender(sender);
    }

    /** Who is told of produced and fetched traffic and ISR changes (the broker's metrics). */
    public void events(ReplicaEvents events) {
        this.events = events;
    }

    /** Which brokers are alive (the metadata cache), for DeleteRecords' low watermark and the high watermark; default: all. */
    public void liveBrokers(IntPredicate alive) {
        partitions.liveBrokers(alive); // each partition's high and low watermarks count only live followers
    }

    /** Writes transaction markers (WriteTxnMarkers); its listener tells the group coordinator of markers on {@code __consumer_offsets}. */
    public TxnMarkerWriter txnMarkers() {
        return txnMarkers;
    }

    public int localBrokerId() {
        return localBrokerId;
    }

    /**
     * The controller's LeaderAndIsr: each partition becomes leader or follower if the state is newer
     * than what this broker has (see {@link LeadershipChanges}). One error per state, in order.
     * Call only with the request admitted by the control fence.
     */
    public List<Errors> becomeLeaderOrFollower(List<LeaderAndIsrPartition> states) {
        return leadership.becomeLeaderOrFollower(states);
    }

    /**
     * Installs the follower side of replication (a cluster broker with the replication module):
     * LeaderAndIsr and StopReplica start and stop fetching through it from now on; closed with this.
     */
    public void replicaFetching(ReplicaFetching fetching) {
        leadership.fetching(fetching);
    }

    /** Stops every replica fetcher (shutdown); on return nothing is appended by one. */
    public void stopReplicaFetching() {
        ReplicaFetching current = leadership.fetching();
        leadership.fetching(ReplicaFetching.NONE);
        current.close();
    }

    /**
     * A topic the cluster deleted and re-created while this broker missed the deletion: its stale
     * replicas stop being fetched and are deleted, the catalogue takes the new topic. Any thread.
     */
    public void topicRecreated(dev.sluice.broker.topic.TopicMetadata recreated) {
        leadership.replaceRecreatedTopic(recreated);
    }

    /** The controller's StopReplica: stops (and, if asked, deletes) each replica. One error per partition, in order. */
    public List<Errors> stopReplicas(List<StopReplicaPartition> requests) {
        return leadership.stopReplicas(requests);
    }

    /**
     * Tells {@code listener} of every partition whose leadership a control request settled: after a
     * LeaderAndIsr applied to it (leader or follower, also when unchanged) and after a StopReplica.
     * Kafka's {@code onLeadershipChange} callback, through which the group coordinator follows the
     * leadership of {@code __consumer_offsets}. Register before control requests can arrive.
     */
    public void onLeadershipChange(LeadershipListener listener) {
        leadership.addListener(listener);
    }

    /**
     * Calls {@code done} once the high watermark of {@code tp} reaches {@code offset} (acks=all for
     * records appended without a produce request, e.g. offset commits): NONE, NOT_LEADER_OR_FOLLOWER
     * if leadership was lost meanwhile (or the partition is not led here), KAFKA_STORAGE_ERROR if it
     * went offline, REQUEST_TIMED_OUT after {@code timeoutMs}. At once if the high watermark is there.
     */
    public void awaitHighWatermark(TopicPartition tp, long offset, long timeoutMs, Consumer<Errors> done) {
        Optional<Partition> partition = partitions.partition(tp);
        if (partition.isEmpty()) {
            done.accept(Errors.NOT_LEADER_OR_FOLLOWER);
            return;
        }
        ProducePartitionResult[] results = {new ProducePartitionResult(Errors.NONE, -1L, -1L, -1L, null, null)};
        DelayedProduce wait = new DelayedProduce(results, new Partition[]{partition.get()}, new long[]{offset},
                answered -> done.accept(answered.get(0).error()));
        delayedProduces.tryCompleteElseWatch(wait, List.of(tp), Math.max(0, timeoutMs));
    }

    /** A partition's log end or high watermark moved: lets the operations waiting on it try again. */
    private void onProgress(TopicPartition tp) {
        delayedFetches.checkAndComplete(tp);
        delayedProduces.checkAndComplete(tp);
        delayedDeletes.checkAndComplete(tp);
    }

    /**
     * DeleteRecords after the leader moved its log start: answers through {@code respond}, one
     * result per partition in order, once every live replica's log start reached
     * {@code requiredOffsets[i]} (the low watermark), or REQUEST_TIMED_OUT after {@code timeoutMs}.
     */
    public void awaitLowWatermarks(Partition[] partitions, long[] requiredOffsets, long timeoutMs,
                                   Consumer<List<DeleteRecordsResult>> respond) {
        DelayedDeleteRecords delete = new DelayedDeleteRecords(partitions.clone(), requiredOffsets.clone(), respond);
        List<TopicPartition> keys = new ArrayList<>();
        for (Partition p : partitions) {
            if (p != null) {
                keys.add(p.topicPartition());
            }
        }
        delayedDeletes.tryCompleteElseWatch(delete, keys, Math.max(0, timeoutMs));
    }

    /**
     * Appends each target's records and answers through {@code respond} with one result per target,
     * in order: at once for acks 0 and 1, after the in-sync replicas have the records (or
     * {@code timeoutMs}) for acks=all. Invalid acks answer INVALID_REQUIRED_ACKS everywhere.
     */
    public void appendRecords(short acks, long timeoutMs, List<ProduceTarget> targets,
                              Consumer<List<ProducePartitionResult>> respond) {
        int n = targets.size();
        ProducePartitionResult[] results = new ProducePartitionResult[n];
        if (acks != 0 && acks != 1 && acks != -1) {
            Arrays.fill(results, ProducePartitionResult.failed(Errors.INVALID_REQUIRED_ACKS,
                    "acks must be 0, 1 or -1 (all), was " + acks));
            respond.accept(Arrays.asList(results));
            return;
        }
        Partition[] waitingOn = new Partition[n];
        long[] requiredOffsets = new long[n];
        List<TopicPartition> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProduceTarget target = targets.get(i);
            Optional<Partition> partition = target.topicPartition() == null ? Optional.empty()
                    : partitions.partition(target.topicPartition());
            if (partition.isEmpty()) {
                results[i] = ProducePartitionResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                continue;
            }
            if (target.records() == null) {
                results[i] = ProducePartitionResult.failed(Errors.CORRUPT_MESSAGE, "records are null");
                continue;
            }
            PartitionRole role = partition.get().role();
            if (!(role instanceof PartitionRole.Leader)) {
                results[i] = notLeaderOrOffline(role);
                continue;
            }
            if (acks == -1 && partition.get().isr().inSyncReplicaCount() < partition.get().effectiveMinInSyncReplicas()) {
                Partition p = partition.get();
                results[i] = ProducePartitionResult.failed(Errors.NOT_ENOUGH_REPLICAS, "The size of the current ISR "
                        + p.isr().inSyncReplicaCount() + " is insufficient to satisfy the min.isr requirement of "
                        + p.effectiveMinInSyncReplicas() + " for partition " + target.topicPartition());
                continue;
            }
            int bytes = target.records().remaining(); // before the append reads them
            AppendOutcome outcome = append(target.topicPartition(), partition.get(), target.records());
            if (outcome instanceof AppendOutcome.Appended ok) {
                events.appended(target.topicPartition().topic(), ok.lastOffset() - ok.firstOffset() + 1, bytes);
                results[i] = new ProducePartitionResult(Errors.NONE, ok.firstOffset(), ok.logAppendTime(),
                        ok.logStartOffset(), null, null);
                if (acks == -1) {
                    waitingOn[i] = partition.get();
                    requiredOffsets[i] = ok.lastOffset() + 1;
                    keys.add(target.topicPartition());
                }
            } else {
                AppendOutcome.Rejected rejected = (AppendOutcome.Rejected) outcome;
                events.produceFailed(target.topicPartition().topic());
                LOG.log(System.Logger.Level.DEBUG, () -> "produce to " + target.topicPartition() + " rejected: "
                        + rejected.message());
                results[i] = switch (rejected.error()) {
                    case NOT_LEADER_OR_FOLLOWER -> notLeaderOrOffline(partition.get().role());
                    case DELETED -> ProducePartitionResult.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "the topic was deleted during the append");
                    default -> ProducePartitionResult.failed(errorOf(rejected.error()), rejected.message());
                };
            }
        }
        DelayedProduce produce = new DelayedProduce(results, waitingOn, requiredOffsets, respond);
        if (keys.isEmpty()) {
            produce.tryComplete();
        } else {
            delayedProduces.tryCompleteElseWatch(produce, keys, Math.max(0, timeoutMs));
        }
    }

    static ProducePartitionResult notLeaderOrOffline(PartitionRole role) {
        return role instanceof PartitionRole.Offline
                ? ProducePartitionResult.failed(Errors.KAFKA_STORAGE_ERROR, "the partition's log directory is offline")
                : ProducePartitionResult.notLeader(LeaderHint.of(role));
    }

    /**
     * Appends, telling a failing disk from a topic deleted under the append: the partition is then
     * no longer registered, and its closed log refused the write (Kafka answers
     * UNKNOWN_TOPIC_OR_PARTITION). A storage failure takes the partition's storage offline.
     */
    private AppendOutcome append(TopicPartition tp, Partition partition, ByteBuffer records) {
        AppendOutcome outcome;
        RuntimeException failure = null;
        try {
            outcome = partition.appendAsLeader(records);
        } catch (RuntimeException e) { // e.g. LogClosedException from a log closed by DeleteTopics
            failure = e;
            outcome = new AppendOutcome.Rejected(AppendError.STORAGE_ERROR, e.getMessage());
        }
        if (outcome instanceof AppendOutcome.Rejected r && r.error() == AppendError.STORAGE_ERROR) {
            if (partitions.partition(tp).orElse(null) != partition) {
                LOG.log(System.Logger.Level.DEBUG, () -> "produce to " + tp + " raced its deletion: " + r.message());
                return new AppendOutcome.Rejected(AppendError.DELETED, r.message());
            }
            if (failure instanceof LogClosedException) { // still registered: the broker is shutting down
                return new AppendOutcome.Rejected(AppendError.NOT_LEADER_OR_FOLLOWER, r.message());
            }
            if (failure != null && !(failure instanceof StorageException)) {
                throw failure; // a bug, not a disk: let the request fail loudly
            }
            partitions.storageFailed(tp, failure != null ? failure : new StorageException(r.message()));
        }
        return outcome;
    }

    /**
     * Reads each target from the local log and answers through {@code respond}, one result per
     * target in order: at once if {@code MinBytes} are there (or on an error, or if the request
     * will not wait), else when enough arrive or {@code MaxWaitMs} passes. A follower's fetch also
     * records its position at the first read (its fetch offset is its log end, Kafka's rule), which
     * may move the high watermark and expand the ISR; a follower whose last fetched epoch diverged
     * from this log is answered DivergingEpoch without records.
     */
    public void fetchMessages(FetchParams params, List<FetchTarget> targets,
                              Consumer<List<FetchPartitionResult>> respond) {
        Partition[] resolved = new Partition[targets.size()];
        List<TopicPartition> keys = new ArrayList<>();
        for (int i = 0; i < resolved.length; i++) {
            TopicPartition tp = targets.get(i).topicPartition();
            resolved[i] = tp == null ? null : partitions.partition(tp).orElse(null);
            if (resolved[i] != null) {
                keys.add(tp);
            }
        }
        DelayedFetch fetch = delayedFetch(params, targets, resolved, respond);
        if (params.maxWaitMs() <= 0 || params.minBytes() <= 0 || keys.isEmpty()) {
            fetch.onExpire(); // answer now with whatever there is
        } else {
            delayedFetches.tryCompleteElseWatch(fetch, keys, params.maxWaitMs());
        }
    }

    /** A fetch of {@code resolved} (null: not hosted here) that reads through this broker's logs. */
    DelayedFetch delayedFetch(FetchParams params, List<FetchTarget> targets, Partition[] resolved,
                              Consumer<List<FetchPartitionResult>> respond) {
        return new DelayedFetch(reader, events, params, targets, resolved, respond);
    }

    /** Kafka's fencing: an older epoch is fenced, a newer one means our metadata is behind. */
    public static Errors checkLeaderEpoch(int requested, int current) {
        if (requested < 0 || requested == current) {
            return Errors.NONE;
        }
        return requested < current ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
    }

    /** Partition-level append failures to Kafka error codes. */
    public static Errors errorOf(AppendError error) {
        return switch (error) {
            case CORRUPT_MESSAGE -> Errors.CORRUPT_MESSAGE;
            case MESSAGE_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
            case RECORD_LIST_TOO_LARGE -> Errors.RECORD_LIST_TOO_LARGE;
            case INVALID_RECORD -> Errors.INVALID_RECORD;
            case INVALID_TIMESTAMP -> Errors.INVALID_TIMESTAMP;
            case UNSUPPORTED_FOR_MESSAGE_FORMAT -> Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT;
            case OUT_OF_ORDER_SEQUENCE_NUMBER -> Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            case INVALID_TXN_STATE -> Errors.INVALID_TXN_STATE;
            case TRANSACTION_COORDINATOR_FENCED -> Errors.TRANSACTION_COORDINATOR_FENCED;
            case UNSUPPORTED_COMPRESSION_TYPE -> Errors.UNSUPPORTED_COMPRESSION_TYPE;
            case STORAGE_ERROR -> Errors.KAFKA_STORAGE_ERROR;
            case NOT_LEADER_OR_FOLLOWER -> Errors.NOT_LEADER_OR_FOLLOWER;
            case DELETED -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
        };
    }

    /** Answers every waiting operation with what there is; call before the partitions close. */
    @Override
    public void close() {
        stopReplicaFetching(); // no fetcher appends once the partitions start closing
        isrChanges.close();
        delayedProduces.close();
        delayedFetches.close();
        delayedDeletes.close();
        timer.close();
    }
}

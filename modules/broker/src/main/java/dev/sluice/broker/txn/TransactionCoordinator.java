package dev.sluice.broker.txn;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The transaction coordinator (Kafka's {@code TransactionCoordinator} with its state manager): the
 * transactional ids placed on the partitions of {@code __transaction_state} this broker leads. A
 * request is decided by {@link TxnTransitions}; a decided change is written to the {@link TxnLog}
 * and takes effect, and is answered, only once it is replicated. Committing or aborting writes the
 * markers through the {@link TxnMarkerSender} and then the complete state. Ongoing transactions
 * past their timeout are aborted with a bumped epoch; idle ids past
 * {@code transactional.id.expiration.ms} are removed.
 *
 * <p>Ownership follows the leadership of {@code __transaction_state} ({@link #becameLeader},
 * {@link #resigned}): a partition is loaded on the loader thread, then its transactions in
 * PrepareCommit/PrepareAbort get their markers again (a coordinator that crashed or lost the
 * partition mid-way leaves them to its successor).
 *
 * <p>Threads: request entry points from request handler threads; writes complete on the thread
 * that replicated them; loads on the loader scheduler; timeouts and expiry on the timer scheduler.
 */
public final class TransactionCoordinator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransactionCoordinator.class.getName());

    /** InitProducerId's answer. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, -1L, (short) -1);
        }
    }

    private final TxnSettings settings;
    private final TxnLog log;
    private final LongSupplier producerIds;
    private final TxnMarkerSender markers;
    private final Time time;
    private final Scheduler loader;
    private final Scheduler timer;
    private final Map<Integer, TxnPartition> owned = new ConcurrentHashMap<>();
    /** The topic's partition count once known; fixed from then on. */
    private volatile int partitionCount;

    public TransactionCoordinator(TxnSettings settings, TxnLog log, LongSupplier producerIds, TxnMarkerSender markers,
                                  Time time, Scheduler loader, Scheduler timer) {
        this.settings = settings;
        this.log = log;
        this.producerIds = producerIds;
        this.markers = markers;
        this.time = time;
        this.loader = loader;
        this.timer = timer;
        timer.scheduleWithFixedDelay(this::abortTimedOut, settings.abortCheckMs(), settings.abortCheckMs());
        timer.scheduleWithFixedDelay(this::expireIds, settings.expirationCheckMs(), settings.expirationCheckMs());
    }

    /** Kafka's placement: {@code Utils.abs(transactionalId.hashCode()) % partitions} (abs of MIN_VALUE is 0). */
    public static int partitionFor(String transactionalId, int partitions) {
        int hash = transactionalId.hashCode();
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % partitions;
    }

    // ---- ownership

    /** This broker leads {@code partition} (of {@code count}) in {@code leaderEpoch}: load it unless owned in that epoch. */
    public void becameLeader(int partition, int count, int leaderEpoch) {
        if (partitionCount == 0) {
            partitionCount = count;
        }
        TxnPartition existing = owned.get(partition);
        if (existing != null && existing.coordinatorEpoch == leaderEpoch) {
            return;
        }
        TxnPartition started = new TxnPartition(partition, leaderEpoch);
        owned.put(partition, started);
        loader.schedule(() -> load(started), 0);
    }

    /** This broker no longer leads {@code partition}: stop serving its ids now, forget them next. */
    public void resigned(int partition) {
        TxnPartition gone = owned.remove(partition);
        if (gone != null) {
            loader.schedule(() -> {
                log.unload(partition);
                LOG.log(System.Logger.Level.INFO, "unloaded " + gone.entries.size() + " transactional ids of partition "
                        + partition + " of " + TxnStateLog.TOPIC);
            }, 0);
        }
    }

    private void load(TxnPartition partition) {
        if (owned.get(partition.index) != partition) {
            return; // superseded
        }
        long began = System.nanoTime();
        Map<String, TxnMetadata> states;
        try {
            states = log.load(partition.index);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot load partition " + partition.index + " of " + TxnStateLog.TOPIC, e);
            return; // stays loading: its ids answer COORDINATOR_LOAD_IN_PROGRESS
        }
        states.forEach((id, state) -> partition.entries.put(id, new TxnPartition.Entry(id, state)));
        partition.loaded = true;
        LOG.log(System.Logger.Level.INFO, String.format("loaded %d transactional ids of partition %d of %s in %d ms "
                        + "(coordinator epoch %d)", states.size(), partition.index, TxnStateLog.TOPIC,
                (System.nanoTime() - began) / 1_000_000, partition.coordinatorEpoch));
        for (TxnPartition.Entry entry : partition.entries.values()) {
            TxnMetadata state;
            synchronized (entry) {
                state = entry.current;
            }
            if (state.state().isPrepare()) {
                LOG.log(System.Logger.Level.INFO, "completing the " + state.state().kafkaName() + " transaction of "
                        + entry.transactionalId + " left by the previous coordinator");
                sendMarkers(partition, entry, state);
            }
        }
    }

    /** NONE if this broker serves {@code transactionalId} now, else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
    public Errors errorFor(String transactionalId) {
        TxnPartition partition = partitionOf(transactionalId);
        if (partition == null) {
            return Errors.NOT_COORDINATOR;
        }
        return partition.loaded ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
    }

    private TxnPartition partitionOf(String transactionalId) {
        int count = partitionCount;
        return count == 0 ? null : owned.get(partitionFor(transactionalId, count));
    }

    // ---- requests

    public void initProducerId(String transactionalId, int timeoutMs, long expectedId, short expectedEpoch,
                               Consumer<InitResult> done) {
        long now = time.milliseconds();
        decide(transactionalId, true, current -> TxnTransitions.initProducerId(current, transactionalId, timeoutMs,
                        settings.maxTimeoutMs(), expectedId, expectedEpoch, now, producerIds),
                (error, state) -> done.accept(error == Errors.NONE
                        ? new InitResult(Errors.NONE, state.producerId(), state.producerEpoch()) : InitResult.failed(error)));
    }

    public void addPartitions(String transactionalId, long producerId, short epoch, Set<TopicPartition> partitions,
                              Consumer<Errors> done) {
        long now = time.milliseconds();
        decide(transactionalId, false, current -> TxnTransitions.addPartitions(current, producerId, epoch, partitions, now),
                (error, state) -> done.accept(error));
    }

    /** AddPartitionsToTxn's verify-only form: per partition, whether it is in the ongoing transaction. */
    public Map<TopicPartition, Errors> verifyPartitions(String transactionalId, long producerId, short epoch,
                                                        Set<TopicPartition> partitions) {
        Errors error = errorFor(transactionalId);
        TxnPartition.Entry entry = error == Errors.NONE ? partitionOf(transactionalId).entries.get(transactionalId) : null;
        if (error != Errors.NONE || entry == null) {
            Errors each = error != Errors.NONE ? error : Errors.INVALID_PRODUCER_ID_MAPPING;
            Map<TopicPartition, Errors> all = new java.util.LinkedHashMap<>();
            partitions.forEach(tp -> all.put(tp, each));
            return all;
        }
        synchronized (entry) {
            return TxnTransitions.verifyPartitions(entry.current, producerId, epoch, partitions);
        }
    }

    public void endTxn(String transactionalId, long producerId, short epoch, boolean commit, Consumer<Errors> done) {
        long now = time.milliseconds();
        decide(transactionalId, false, current -> TxnTransitions.endTxn(current, producerId, epoch, commit, now),
                (error, state) -> done.accept(error));
    }

    private interface Answer {
        void accept(Errors error, TxnMetadata state);
    }

    /**
     * Decides a request on the id's current state; writes what was decided and answers once it is
     * replicated (CONCURRENT_TRANSACTIONS while another write for the id is in flight).
     */
    private void decide(String transactionalId, boolean create, Function<TxnMetadata, TxnDecision> rule, Answer answer) {
        Errors notHere = errorFor(transactionalId);
        if (notHere != Errors.NONE) {
            answer.accept(notHere, null);
            return;
        }
        TxnPartition partition = partitionOf(transactionalId);
        TxnPartition.Entry entry = create
                ? partition.entries.computeIfAbsent(transactionalId, id -> new TxnPartition.Entry(id, null))
                : partition.entries.get(transactionalId);
        if (entry == null) {
            TxnDecision decision = rule.apply(null);
            answer.accept(decision instanceof TxnDecision.Answer a ? a.error() : Errors.INVALID_PRODUCER_ID_MAPPING, null);
            return;
        }
        TxnDecision.Write write;
        synchronized (entry) {
            if (entry.pending != null) {
                answer.accept(Errors.CONCURRENT_TRANSACTIONS, entry.current);
                return;
            }
            TxnDecision decision = rule.apply(entry.current);
            if (decision instanceof TxnDecision.Answer a) {
                answer.accept(a.error(), a.current());
                return;
            }
            write = (TxnDecision.Write) decision;
            entry.pending = fencing(entry.current, write.next()) ? TxnState.PREPARE_EPOCH_FENCE : write.next().state();
        }
        write(partition, entry, write, answer);
    }

    /** Whether {@code next} aborts an ongoing transaction with a bumped epoch (a zombie fenced, or a timeout). */
    private static boolean fencing(TxnMetadata current, TxnMetadata next) {
        return current != null && current.state() == TxnState.ONGOING && next.state() == TxnState.PREPARE_ABORT
                && next.producerEpoch() != current.producerEpoch();
    }

    private void write(TxnPartition partition, TxnPartition.Entry entry, TxnDecision.Write write, Answer answer) {
        TxnMetadata next = write.next();
        log.write(partition.index, entry.transactionalId, next, error -> {
            boolean current = owned.get(partition.index) == partition;
            synchronized (entry) {
                entry.pending = null;
                if (error == Errors.NONE && current) {
                    entry.current = next;
                }
            }
            if (error != Errors.NONE || !current) {
                answer.accept(error != Errors.NONE ? error : Errors.NOT_COORDINATOR, null);
                return;
            }
            answer.accept(write.answer(), next);
            if (write.sendsMarkers()) {
                sendMarkers(partition, entry, next);
            }
        });
    }

    /** Writes {@code state}'s markers, then its complete state (retried until written or the partition is lost). */
    private void sendMarkers(TxnPartition partition, TxnPartition.Entry entry, TxnMetadata state) {
        TxnMarker marker = new TxnMarker(state.producerId(), state.producerEpoch(),
                state.state() == TxnState.PREPARE_COMMIT, partition.coordinatorEpoch, state.partitions());
        markers.send(entry.transactionalId, marker, () -> owned.get(partition.index) == partition,
                () -> complete(partition, entry, state));
    }

    private void complete(TxnPartition partition, TxnPartition.Entry entry, TxnMetadata prepared) {
        if (owned.get(partition.index) != partition) {
            return;
        }
        TxnDecision.Write write;
        synchronized (entry) {
            if (entry.current != prepared || entry.pending != null) {
                if (entry.current == prepared) { // a write in flight (cannot happen while preparing): try again
                    timer.schedule(() -> complete(partition, entry, prepared), settings.retryBackoffMs());
                }
                return;
            }
            write = TxnTransitions.markersWritten(prepared, time.milliseconds());
            entry.pending = write.next().state();
        }
        write(partition, entry, write, (error, state) -> {
            if (error == Errors.NONE) {
                LOG.log(System.Logger.Level.DEBUG, () -> entry.transactionalId + ": " + state.state().kafkaName());
            } else if (error != Errors.NOT_COORDINATOR) {
                timer.schedule(() -> complete(partition, entry, prepared), settings.retryBackoffMs());
            }
        });
    }

    // ---- timers

    /** Aborts, with a bumped epoch, every ongoing transaction past its timeout (Kafka's {@code abortTimedOutTransactions}). */
    public void abortTimedOut() {
        long now = time.milliseconds();
        for (TxnPartition partition : owned.values()) {
            if (!partition.loaded) {
                continue;
            }
            for (TxnPartition.Entry entry : partition.entries.values()) {
                TxnDecision.Write write;
                synchronized (entry) {
                    if (entry.pending != null || entry.current == null) {
                        continue;
                    }
                    write = TxnTransitions.timedOut(entry.current, now);
                    if (write == null) {
                        continue;
                    }
                    entry.pending = TxnState.PREPARE_EPOCH_FENCE;
                    LOG.log(System.Logger.Level.INFO, "aborting the transaction of " + entry.transactionalId
                            + " (producer id " + entry.current.producerId() + "): it passed its timeout of "
                            + entry.current.timeoutMs() + " ms");
                }
                write(partition, entry, write, (error, state) -> {
                });
            }
        }
    }

    /** Removes idle transactional ids unused for {@code transactional.id.expiration.ms}. */
    public void expireIds() {
        long now = time.milliseconds();
        for (TxnPartition partition : owned.values()) {
            if (!partition.loaded) {
                continue;
            }
            for (TxnPartition.Entry entry : partition.entries.values()) {
                synchronized (entry) {
                    if (entry.pending != null || entry.current == null
                            || !TxnTransitions.expired(entry.current, now, settings.expirationMs())) {
                        continue;
                    }
                    entry.pending = TxnState.DEAD;
                }
                TxnMetadata expired = entry.current;
                log.write(partition.index, entry.transactionalId, null, error -> {
                    synchronized (entry) {
                        entry.pending = null;
                        if (error == Errors.NONE && entry.current == expired) {
                            partition.entries.remove(entry.transactionalId, entry);
                        }
                    }
                });
            }
        }
    }

    // ---- admin

    /** The states of every transactional id coordinated here (ListTransactions). */
    public List<TxnMetadata> states() {
        List<TxnMetadata> all = new ArrayList<>();
        for (TxnPartition partition : owned.values()) {
            if (!partition.loaded) {
                continue;
            }
            for (TxnPartition.Entry entry : partition.entries.values()) {
                synchronized (entry) {
                    if (entry.current != null) {
                        all.add(entry.current);
                    }
                }
            }
        }
        return all;
    }

    /** The state of {@code transactionalId} if coordinated and known here; null otherwise. */
    public TxnMetadata state(String transactionalId) {
        TxnPartition partition = partitionOf(transactionalId);
        TxnPartition.Entry entry = partition == null || !partition.loaded ? null : partition.entries.get(transactionalId);
        if (entry == null) {
            return null;
        }
        synchronized (entry) {
            return entry.current;
        }
    }

    /** The partition count of {@code __transaction_state} once this broker led one of them, else 0. */
    public int partitionCount() {
        return partitionCount;
    }

    @Override
    public void close() {
        loader.close();
        timer.close();
    }
}

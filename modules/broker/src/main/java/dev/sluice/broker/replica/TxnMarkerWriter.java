package dev.sluice.broker.replica;

import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Writes a transaction coordinator's commit and abort markers on the partitions this broker leads
 * (WriteTxnMarkers, also what {@code kafka-transactions.sh abort} sends): each marker is appended
 * as a control batch ({@link Partition#appendTxnMarker}) and answered once the ISR has it (acks=all,
 * as Kafka appends markers), or with the partition's error. Markers landing on
 * {@code __consumer_offsets} are reported to the {@link TxnMarkerListener} the broker assembly sets.
 *
 * <p>Threads: request handler threads call {@link #write}; answers complete on the thread that
 * moved the high watermark or on the delayed-operation timer.
 */
public final class TxnMarkerWriter {
    private static final System.Logger LOG = System.getLogger(TxnMarkerWriter.class.getName());
    static final String OFFSETS_TOPIC = "__consumer_offsets";

    /**
     * One marker of a WriteTxnMarkers request: a producer's transaction result on some partitions
     * (a null partition is one the request named invalidly: UNKNOWN_TOPIC_OR_PARTITION).
     */
    public record Marker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                         List<TopicPartition> partitions) {
    }

    private final PartitionManager partitions;
    private final ReplicaManager replicas;
    private volatile TxnMarkerListener listener = TxnMarkerListener.NONE;

    public TxnMarkerWriter(PartitionManager partitions, ReplicaManager replicas) {
        this.partitions = partitions;
        this.replicas = replicas;
    }

    /** Who learns of markers written on {@code __consumer_offsets} (the group coordinator); set before serving. */
    public void listener(TxnMarkerListener listener) {
        this.listener = listener;
    }

    /**
     * Writes every marker and answers through {@code respond} with, per marker, one error per
     * partition in order, once all are replicated or failed ({@code timeoutMs}: REQUEST_TIMED_OUT).
     */
    public void write(List<Marker> markers, long timeoutMs, Consumer<List<List<Errors>>> respond) {
        List<Errors[]> results = new ArrayList<>(markers.size());
        int total = 0;
        for (Marker marker : markers) {
            results.add(new Errors[marker.partitions().size()]);
            total += marker.partitions().size();
        }
        AtomicInteger pending = new AtomicInteger(total + 1); // +1: released after every append started
        Runnable finished = () -> {
            if (pending.decrementAndGet() == 0) {
                complete(markers, results, respond);
            }
        };
        for (int m = 0; m < markers.size(); m++) {
            Marker marker = markers.get(m);
            Errors[] errors = results.get(m);
            for (int i = 0; i < errors.length; i++) {
                int index = i;
                TopicPartition tp = marker.partitions().get(i);
                Errors immediate = append(marker, tp, timeoutMs, error -> {
                    errors[index] = error;
                    finished.run();
                });
                if (immediate != null) {
                    errors[index] = immediate;
                    finished.run();
                }
            }
        }
        finished.run();
    }

    /** Appends one marker; returns its error at once, or null if {@code done} will be called. */
    private Errors append(Marker marker, TopicPartition tp, long timeoutMs, Consumer<Errors> done) {
        Partition partition = tp == null ? null : partitions.partition(tp).orElse(null);
        if (partition == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        PartitionRole role = partition.role();
        if (!(role instanceof PartitionRole.Leader)) {
            return role instanceof PartitionRole.Offline ? Errors.KAFKA_STORAGE_ERROR : Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (partition.isr().inSyncReplicaCount() < partition.effectiveMinInSyncReplicas()) {
            return Errors.NOT_ENOUGH_REPLICAS;
        }
        AppendOutcome outcome;
        try {
            outcome = partition.appendTxnMarker(marker.producerId(), marker.producerEpoch(), marker.coordinatorEpoch(),
                    marker.commit());
        } catch (StorageException e) {
            if (partitions.partition(tp).orElse(null) != partition) {
                return Errors.UNKNOWN_TOPIC_OR_PARTITION; // deleted meanwhile
            }
            partitions.storageFailed(tp, e);
            return Errors.KAFKA_STORAGE_ERROR;
        } catch (dev.sluice.api.storage.LogClosedException e) {
            return partitions.partition(tp).orElse(null) != partition ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                    : Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (outcome instanceof AppendOutcome.Rejected rejected) {
            LOG.log(System.Logger.Level.DEBUG, () -> "transaction marker for producer " + marker.producerId() + " on "
                    + tp + " refused: " + rejected.message());
            if (rejected.error() == dev.sluice.broker.partition.AppendError.STORAGE_ERROR
                    && partitions.partition(tp).orElse(null) == partition) {
                partitions.storageFailed(tp, new StorageException(rejected.message()));
            }
            return ReplicaManager.errorOf(rejected.error());
        }
        AppendOutcome.Appended appended = (AppendOutcome.Appended) outcome;
        replicas.awaitHighWatermark(tp, appended.lastOffset() + 1, timeoutMs, done);
        return null;
    }

    private void complete(List<Marker> markers, List<Errors[]> results, Consumer<List<List<Errors>>> respond) {
        List<List<Errors>> answer = new ArrayList<>(markers.size());
        for (int m = 0; m < markers.size(); m++) {
            Marker marker = markers.get(m);
            Errors[] errors = results.get(m);
            answer.add(List.of(errors));
            List<TopicPartition> offsets = new ArrayList<>();
            for (int i = 0; i < errors.length; i++) {
                TopicPartition tp = marker.partitions().get(i);
                if (errors[i] == Errors.NONE && tp != null && OFFSETS_TOPIC.equals(tp.topic())) {
                    offsets.add(tp);
                }
            }
            if (!offsets.isEmpty()) {
                try {
                    listener.onMarkersWritten(marker.producerId(), marker.commit(), List.copyOf(offsets));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "the transaction marker listener failed for producer "
                            + marker.producerId(), e);
                }
            }
        }
        respond.accept(answer);
    }
}

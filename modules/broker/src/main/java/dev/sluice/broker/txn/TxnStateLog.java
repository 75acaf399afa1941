package dev.sluice.broker.txn;

import dev.sluice.api.Time;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.broker.partition.LogReplay;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.group.offset.LiveStateSnapshot;
import dev.sluice.broker.group.offset.SnapshotPolicy;
import dev.sluice.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The transaction coordinator's state in the internal topic {@code __transaction_state}: one record
 * per change of a transactional id ({@link TxnRecords}), the latest per key being the state.
 * Kept bounded as {@code __consumer_offsets} is ({@link LiveStateSnapshot}): once
 * {@code transaction.state.log.segment.bytes} were appended to a partition since its last snapshot
 * (or, if anything was, after the snapshot interval), the live states are written again at the end
 * and the log start moves there, deleting the whole segments below.
 *
 * <p>Threads: {@link #load}/{@link #unload} on the coordinator's loader thread; {@link #write} from
 * any thread, serialised per partition by the partition's lock (appends, the live map and snapshots).
 */
public final class TxnStateLog implements TxnLog {
    private static final System.Logger LOG = System.getLogger(TxnStateLog.class.getName());
    public static final String TOPIC = "__transaction_state";

    /** Waits until what was appended to a partition up to {@code logEnd} is replicated (acks=all). */
    @FunctionalInterface
    public interface Replication {
        void await(TopicPartition tp, long logEnd, Consumer<Errors> done);

        Replication IMMEDIATE = (tp, logEnd, done) -> done.accept(Errors.NONE);
    }

    private static final class StatePartition {
        final LogStorage log;
        final Map<String, byte[]> live = new HashMap<>();
        boolean unloaded;
        long bytesSinceSnapshot;
        long lastSnapshotBytes;
        long lastSnapshotMs;

        StatePartition(LogStorage log, long now) {
            this.log = log;
            this.bytesSinceSnapshot = log.sizeInBytes();
            this.lastSnapshotMs = now;
        }
    }

    private final LogStorageEngine engine;
    private final LogConfig config;
    private final SnapshotPolicy snapshots;
    private final Replication replication;
    private final Time time;
    private final Map<Integer, StatePartition> loaded = new ConcurrentHashMap<>();

    public TxnStateLog(LogStorageEngine engine, LogConfig config, SnapshotPolicy snapshots, Replication replication,
                       Time time) {
        this.engine = engine;
        this.config = config;
        this.snapshots = snapshots;
        this.replication = replication;
        this.time = time;
    }

    @Override
    public Map<String, TxnMetadata> load(int partition) {
        LogStorage log = engine.open(new TopicPartition(TOPIC, partition), config);
        StatePartition state = new StatePartition(log, time.milliseconds());
        Map<String, TxnMetadata> result = new HashMap<>();
        synchronized (state) {
            replay(log, state.live);
            state.live.forEach((id, value) -> {
                try {
                    result.put(id, TxnRecords.readValue(id, ByteBuffer.wrap(value)));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "skipping unreadable state of transactional id " + id + ": " + e);
                }
            });
            StatePartition previous = loaded.put(partition, state);
            if (previous != null) {
                synchronized (previous) {
                    previous.unloaded = true;
                }
            }
        }
        return result;
    }

    @Override
    public void unload(int partition) {
        StatePartition state = loaded.remove(partition);
        if (state != null) {
            synchronized (state) {
                state.unloaded = true;
            }
        }
    }

    private static void replay(LogStorage log, Map<String, byte[]> live) {
        CompressionCodecs codecs = CompressionCodecs.installed();
        LogReplay.forEachBatch(log, (batch, from) -> {
            if (batch.isControl()) {
                return;
            }
            for (Record record : RecordBatches.records(batch, codecs)) {
                if (record.offset() >= from && record.key() != null) {
                    apply(record, live);
                }
            }
        });
    }

    private static void apply(Record record, Map<String, byte[]> live) {
        String id;
        try {
            id = TxnRecords.readKey(record.key().duplicate());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "skipping unreadable record at offset " + record.offset() + ": " + e);
            return;
        }
        ByteBuffer value = record.value();
        if (value == null) {
            live.remove(id);
        } else {
            byte[] bytes = new byte[value.remaining()];
            value.duplicate().get(bytes);
            live.put(id, bytes);
        }
    }

    @Override
    public void write(int partition, String transactionalId, TxnMetadata state, Consumer<Errors> done) {
        StatePartition target = loaded.get(partition);
        if (target == null) {
            done.accept(Errors.NOT_COORDINATOR);
            return;
        }
        byte[] key = TxnRecords.key(transactionalId);
        byte[] value = state == null ? null : TxnRecords.value(state);
        long now = time.milliseconds();
        ByteBuffer batch = new RecordBatchBuilder(null).partitionLeaderEpoch(0).append(now, key, value).build();
        int bytes = batch.remaining();
        long logEnd;
        synchronized (target) {
            if (target.unloaded) {
                done.accept(Errors.NOT_COORDINATOR);
                return;
            }
            try {
                target.log.append(batch);
            } catch (StorageException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot write the state of transactional id " + transactionalId
                        + ": " + e.getMessage());
                done.accept(Errors.NOT_COORDINATOR);
                return;
            }
            if (value == null) {
                target.live.remove(transactionalId);
            } else {
                target.live.put(transactionalId, value);
            }
            logEnd = target.log.logEndOffset();
            target.bytesSinceSnapshot += bytes;
            if (snapshots.due(target.bytesSinceSnapshot, target.lastSnapshotBytes, now - target.lastSnapshotMs)) {
                snapshot(target, now);
                logEnd = target.log.logEndOffset();
            }
        }
        replication.await(new TopicPartition(TOPIC, partition), logEnd, done);
    }

    /** Rewrites the partition's live states at its end and deletes what lies before (the caller holds its lock). */
    private void snapshot(StatePartition partition, long now) {
        List<byte[][]> records = new ArrayList<>(partition.live.size());
        partition.live.forEach((id, value) -> records.add(new byte[][]{TxnRecords.key(id), value}));
        partition.lastSnapshotMs = now;
        try {
            LiveStateSnapshot.Written written = LiveStateSnapshot.write(partition.log, records, snapshots.batchBytes(), now);
            partition.lastSnapshotBytes = written.bytes();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, partition.log.topicPartition() + ": cannot write a snapshot of the "
                    + "transaction states; the log keeps its older records until the next try", e);
        }
        partition.bytesSinceSnapshot = 0;
    }
}

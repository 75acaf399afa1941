package dev.sluice.broker.group.offset;

import dev.sluice.api.Time;
import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.broker.partition.LogReplay;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.group.NotCoordinatorException;
import dev.sluice.broker.group.PartitionedOffsetStore;
import dev.sluice.broker.group.TransactionalOffsets;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default offset store ({@code offsets.store=log}): every commit and group-metadata change is
 * a record appended to a partition of the internal topic {@code __consumer_offsets} (chosen by the
 * group id's hash, as Kafka does) before {@link #commit} returns; the live state is kept in memory,
 * rebuilt by replaying the topic. A group's records always go to one partition, so replaying
 * partition by partition keeps each key's order.
 *
 * <p>Partitions are loaded and unloaded one at a time ({@link PartitionedOffsetStore}): a single
 * node loads all of them at start-up ({@link #open}); a cluster broker starts with none
 * ({@link #unloaded}) and loads those whose leadership it gains. Writes for a group whose partition
 * is not loaded throw {@link NotCoordinatorException}.
 *
 * <p>The log does not grow without bound: now and then (see {@link SnapshotPolicy}) the live state
 * of a partition is written again at its end ({@link LiveStateSnapshot}) and the log start moves to
 * the snapshot's first offset, so the segments before it are deleted. Replaying from any offset up
 * to a complete snapshot gives the same state, which is why a crash halfway through writing one is
 * harmless: the start only moves once the snapshot is complete and flushed.
 *
 * <p>Offsets committed in a transaction ({@link TransactionalOffsets}) are pending records keyed by
 * the producer id; the transaction's marker (a control batch another path appends to the
 * partition) commits or drops them, in memory through {@link #transactionCompleted} and on replay
 * where it lies in the log. A partition with offsets pending is not snapshotted: the snapshot could
 * land after a marker it did not see, and moving the log start past that marker would lose it.
 *
 * <p>Threads: request handler threads read and write; {@link #load}/{@link #unload} run on the
 * coordinator's loader thread (or the start-up thread). Each loaded partition's lock orders its
 * appends, the in-memory changes that follow them, and its unloading.
 */
public final class LogOffsetStore implements PartitionedOffsetStore, TransactionalOffsets {
    private static final System.Logger LOG = System.getLogger(LogOffsetStore.class.getName());
    public static final String TOPIC = "__consumer_offsets";

    private final LogStorageEngine engine;
    private final LogConfig config;
    private final SnapshotPolicy snapshots;
    private final Time time;
    /** The topic's partition count, 0 until the first partition is loaded; fixed from then on. */
    private volatile int partitionCount;
    private final Map<Integer, OffsetsPartition> loaded = new ConcurrentHashMap<>();
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    private final Map<String, byte[]> groupMetadata = new ConcurrentHashMap<>();
    /** Offsets of open transactions: producer id → group → partition → offset. */
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pending = new ConcurrentHashMap<>();

    private LogOffsetStore(LogStorageEngine engine, LogConfig config, SnapshotPolicy snapshots, Time time) {
        this.engine = engine;
        this.config = config;
        this.snapshots = snapshots;
        this.time = time;
    }

    /**
     * One loaded partition of the topic: its log, the lock every append to it (and every change of
     * the state of its groups) holds, and what the snapshot policy needs to know.
     */
    private static final class OffsetsPartition {
        final int index;
        final LogStorage log;
        /** Set under the lock when the partition is unloaded: later writes are refused. */
        boolean unloaded;
        /** What is in the log before the first snapshot of this run is unknown: all of it counts as garbage. */
        long bytesSinceSnapshot;
        long lastSnapshotBytes;
        long lastSnapshotMs;

        OffsetsPartition(int index, LogStorage log, long now) {
            this.index = index;
            this.log = log;
            this.bytesSinceSnapshot = log.sizeInBytes();
            this.lastSnapshotMs = now;
        }
    }

    /**
     * A single node's store: opens (creating if needed) every partition of the topic and replays
     * them now. An existing topic keeps its partition count whatever {@code configuredPartitions}
     * says: groups must stay where their records are.
     */
    public static LogOffsetStore open(LogStorageEngine engine, int configuredPartitions, LogConfig config,
                                      SnapshotPolicy snapshots, Time time) {
        int existing = engine.partitions().stream().filter(tp -> tp.topic().equals(TOPIC))
                .mapToInt(tp -> tp.partition() + 1).max().orElse(0);
        int count = existing > 0 ? existing : configuredPartitions;
        LogOffsetStore store = new LogOffsetStore(engine, config, snapshots, time);
        long started = System.nanoTime();
        long records = 0;
        for (int p = 0; p < count; p++) {
            records += store.load(p, count);
        }
        LOG.log(System.Logger.Level.INFO, String.format("loaded %d groups' offsets from %d records of %s in %d ms",
                store.groups().size(), records, TOPIC, (System.nanoTime() - started) / 1_000_000));
        return store;
    }

    /** A cluster broker's store: nothing loaded until this broker leads a partition of the topic. */
    public static LogOffsetStore unloaded(LogStorageEngine engine, LogConfig config, SnapshotPolicy snapshots, Time time) {
        return new LogOffsetStore(engine, config, snapshots, time);
    }

    @Override
    public long load(int partition, int count) {
        if (partitionCount == 0) {
            partitionCount = count;
        } else if (count != partitionCount) {
            LOG.log(System.Logger.Level.WARNING, TOPIC + " has " + count + " partitions now, " + partitionCount
                    + " before: groups stay placed over " + partitionCount);
        }
        if (loaded.containsKey(partition)) {
            return 0;
        }
        LogStorage log = engine.open(new TopicPartition(TOPIC, partition), config);
        OffsetsPartition state = new OffsetsPartition(partition, log, time.milliseconds());
        synchronized (state) {
            long records = replay(log, partition);
            loaded.put(partition, state);
            return records;
        }
    }

    @Override
    public void unload(int partition) {
        OffsetsPartition state = loaded.remove(partition);
        if (state == null) {
            return;
        }
        synchronized (state) { // after any write in progress: it has applied its records, which go now
            state.unloaded = true;
            offsets.keySet().removeIf(group -> partitionFor(group) == partition);
            groupMetadata.keySet().removeIf(group -> partitionFor(group) == partition);
            pending.values().forEach(groups -> groups.keySet().removeIf(group -> partitionFor(group) == partition));
            pending.values().removeIf(Map::isEmpty);
        }
    }

    /** Whether {@code partition}'s groups are in memory and served. */
    public boolean isLoaded(int partition) {
        return loaded.containsKey(partition);
    }

    private long replay(LogStorage log, int partition) {
        CompressionCodecs codecs = CompressionCodecs.installed();
        long[] applied = {0};
        LogReplay.forEachBatch(log, (batch, from) -> {
            if (batch.isControl()) {
                replayMarker(batch, codecs, partition);
                return;
            }
            for (Record record : RecordBatches.records(batch, codecs)) {
                if (record.offset() >= from) {
                    apply(record);
                    applied[0]++;
                }
            }
        });
        return applied[0];
    }

    private void apply(Record record) {
        if (record.key() == null) {
            return;
        }
        OffsetRecords.Key key;
        try {
            key = OffsetRecords.readKey(record.key().duplicate());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "skipping unreadable record at offset " + record.offset() + ": " + e);
            return;
        }
        ByteBuffer value = record.value();
        byte[] bytes = null;
        if (value != null) {
            bytes = new byte[value.remaining()];
            value.duplicate().get(bytes);
        }
        apply(key.group(), key, bytes);
    }

    /** A control batch: its record's key is int16 version | int16 type (0 ABORT, 1 COMMIT), Kafka's layout. */
    private void replayMarker(RecordBatch batch, CompressionCodecs codecs, int partition) {
        for (Record record : RecordBatches.records(batch, codecs)) {
            ByteBuffer key = record.key();
            if (key == null || key.remaining() < 4) {
                continue;
            }
            short type = key.duplicate().position(key.position() + 2).getShort();
            if (type == 0 || type == 1) {
                completeInMemory(partition, batch.producerId(), type == 1);
            }
        }
    }

    private void removeOffset(String group, TopicPartition partition) {
        offsets.computeIfPresent(group, (g, map) -> {
            map.remove(partition);
            return map.isEmpty() ? null : map;
        });
    }

    /** Kafka's placement: abs(hashCode) modulo the partition count. */
    @Override
    public int partitionFor(String group) {
        int count = partitionCount;
        if (count == 0) {
            throw new NotCoordinatorException("no partition of " + TOPIC + " is loaded here");
        }
        return (group.hashCode() & 0x7fffffff) % count;
    }

    @Override
    public int partitionCount() {
        return partitionCount;
    }

    /**
     * Appends the records and, in the same lock, applies them in memory so memory follows log
     * order; then writes a snapshot if one is due.
     */
    private void write(String group, List<byte[][]> keyValues) {
        if (keyValues.isEmpty()) {
            return;
        }
        OffsetsPartition partition = loaded.get(partitionFor(group));
        if (partition == null) {
            throw new NotCoordinatorException("group " + group + ": partition " + partitionFor(group) + " of " + TOPIC
                    + " is not loaded here");
        }
        RecordBatchBuilder builder = new RecordBatchBuilder(null).partitionLeaderEpoch(0);
        long now = time.milliseconds();
        for (byte[][] kv : keyValues) {
            builder.append(now, kv[0], kv[1]);
        }
        ByteBuffer batch = builder.build();
        int bytes = batch.remaining();
        synchronized (partition) {
            if (partition.unloaded) {
                throw new NotCoordinatorException("group " + group + ": partition " + partition.index + " of " + TOPIC
                        + " was unloaded");
            }
            partition.log.append(batch);
            for (byte[][] kv : keyValues) {
                apply(group, OffsetRecords.readKey(ByteBuffer.wrap(kv[0])), kv[1]);
            }
            partition.bytesSinceSnapshot += bytes;
            if (snapshots.due(partition.bytesSinceSnapshot, partition.lastSnapshotBytes, now - partition.lastSnapshotMs)) {
                snapshot(partition, now);
            }
        }
    }

    private void apply(String group, OffsetRecords.Key key, byte[] value) {
        if (key.isPending()) {
            if (value == null) {
                Map<String, Map<TopicPartition, CommittedOffset>> groups = pending.get(key.producerId());
                if (groups != null && groups.containsKey(group)) {
                    groups.get(group).remove(key.partition());
                }
            } else {
                pending.computeIfAbsent(key.producerId(), p -> new ConcurrentHashMap<>())
                        .computeIfAbsent(group, g -> new ConcurrentHashMap<>())
                        .put(key.partition(), OffsetRecords.readOffsetValue(ByteBuffer.wrap(value)));
            }
        } else if (key.isOffset()) {
            if (value == null) {
                removeOffset(group, key.partition());
            } else {
                offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>())
                        .put(key.partition(), OffsetRecords.readOffsetValue(ByteBuffer.wrap(value)));
            }
        } else if (value == null) {
            groupMetadata.remove(group);
        } else {
            groupMetadata.put(group, value);
        }
    }

    /**
     * Rewrites the live state of the partition's groups at its end, then drops everything before.
     * The caller holds the partition's lock, so the state cannot change meanwhile. A failure
     * leaves the log start where it was (the commit that triggered it has succeeded anyway).
     */
    private void snapshot(OffsetsPartition partition, long now) {
        int index = partition.index;
        if (hasPendingIn(index)) {
            return; // once no transaction has offsets here (bytesSinceSnapshot keeps counting)
        }
        List<byte[][]> live = new ArrayList<>();
        for (Map.Entry<String, Map<TopicPartition, CommittedOffset>> group : offsets.entrySet()) {
            if (partitionFor(group.getKey()) == index) {
                group.getValue().forEach((tp, offset) -> live.add(new byte[][]{
                        OffsetRecords.offsetKey(group.getKey(), tp), OffsetRecords.offsetValue(offset)}));
            }
        }
        groupMetadata.forEach((group, metadata) -> {
            if (partitionFor(group) == index) {
                live.add(new byte[][]{OffsetRecords.groupKey(group), metadata});
            }
        });
        partition.lastSnapshotMs = now;
        try {
            LiveStateSnapshot.Written written = LiveStateSnapshot.write(partition.log, live, snapshots.batchBytes(), now);
            partition.lastSnapshotBytes = written.bytes();
            LOG.log(System.Logger.Level.DEBUG, () -> String.format("%s: snapshot of %d records (%d bytes) at offset %d",
                    partition.log.topicPartition(), live.size(), written.bytes(), written.startOffset()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, partition.log.topicPartition() + ": cannot write a snapshot of the "
                    + "live offsets; the log keeps its older records and grows until the next try", e);
        }
        partition.bytesSinceSnapshot = 0; // after a failure too: the next try waits for another trigger's worth
    }

    @Override
    public void commit(String group, Map<TopicPartition, CommittedOffset> committed) {
        List<byte[][]> records = new ArrayList<>(committed.size());
        committed.forEach((tp, offset) ->
                records.add(new byte[][]{OffsetRecords.offsetKey(group, tp), OffsetRecords.offsetValue(offset)}));
        write(group, records);
    }

    // ---- transactional offsets

    @Override
    public void commitPending(String group, long producerId, Map<TopicPartition, CommittedOffset> committed) {
        List<byte[][]> records = new ArrayList<>(committed.size());
        committed.forEach((tp, offset) -> records.add(new byte[][]{OffsetRecords.pendingKey(group, producerId, tp),
                OffsetRecords.offsetValue(offset)}));
        write(group, records);
    }

    @Override
    public void transactionCompleted(int offsetsPartition, long producerId, boolean committed) {
        OffsetsPartition partition = loaded.get(offsetsPartition);
        if (partition == null) {
            return; // replayed from the log when loaded
        }
        synchronized (partition) {
            if (!partition.unloaded) {
                completeInMemory(offsetsPartition, producerId, committed);
            }
        }
    }

    /** Commits or drops {@code producerId}'s pending offsets of the groups in {@code partition}. */
    private void completeInMemory(int partition, long producerId, boolean committed) {
        Map<String, Map<TopicPartition, CommittedOffset>> groups = pending.get(producerId);
        if (groups == null) {
            return;
        }
        for (String group : List.copyOf(groups.keySet())) {
            if (partitionFor(group) != partition) {
                continue;
            }
            Map<TopicPartition, CommittedOffset> offsetsOfGroup = groups.remove(group);
            if (committed && offsetsOfGroup != null && !offsetsOfGroup.isEmpty()) {
                offsets.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putAll(offsetsOfGroup);
            }
        }
        pending.computeIfPresent(producerId, (id, g) -> g.isEmpty() ? null : g);
    }

    private boolean hasPendingIn(int partition) {
        for (Map<String, Map<TopicPartition, CommittedOffset>> groups : pending.values()) {
            for (Map.Entry<String, Map<TopicPartition, CommittedOffset>> group : groups.entrySet()) {
                if (!group.getValue().isEmpty() && partitionFor(group.getKey()) == partition) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean hasPending(String group, TopicPartition partition) {
        for (Map<String, Map<TopicPartition, CommittedOffset>> groups : pending.values()) {
            Map<TopicPartition, CommittedOffset> ofGroup = groups.get(group);
            if (ofGroup != null && ofGroup.containsKey(partition)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<CommittedOffset> fetch(String group, TopicPartition partition) {
        Map<TopicPartition, CommittedOffset> map = offsets.get(group);
        return map == null ? Optional.empty() : Optional.ofNullable(map.get(partition));
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetchAll(String group) {
        Map<TopicPartition, CommittedOffset> map = offsets.get(group);
        return map == null ? Map.of() : new HashMap<>(map);
    }

    @Override
    public Set<String> groups() {
        Set<String> all = new HashSet<>(offsets.keySet());
        all.addAll(groupMetadata.keySet());
        return all;
    }

    @Override
    public void delete(String group, Set<TopicPartition> partitions) {
        Map<TopicPartition, CommittedOffset> existing = offsets.getOrDefault(group, Map.of());
        List<byte[][]> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (existing.containsKey(tp)) {
                tombstones.add(new byte[][]{OffsetRecords.offsetKey(group, tp), null});
            }
        }
        write(group, tombstones);
    }

    @Override
    public void deleteGroup(String group) {
        List<byte[][]> tombstones = new ArrayList<>();
        for (TopicPartition tp : offsets.getOrDefault(group, Map.of()).keySet()) {
            tombstones.add(new byte[][]{OffsetRecords.offsetKey(group, tp), null});
        }
        if (groupMetadata.containsKey(group)) {
            tombstones.add(new byte[][]{OffsetRecords.groupKey(group), null});
        }
        write(group, tombstones);
    }

    @Override
    public void storeGroupMetadata(String group, byte[] metadata) {
        List<byte[][]> records = new ArrayList<>(1);
        records.add(new byte[][]{OffsetRecords.groupKey(group), metadata});
        write(group, records);
    }

    @Override
    public Map<String, byte[]> loadGroupMetadata() {
        return new HashMap<>(groupMetadata);
    }

    /** The partitions' logs belong to the broker, which closes them. */
    @Override
    public void close() {
    }
}

package dev.sluice.replication.fetch;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionSettings;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One broker's copy of a partition for the tests: a real {@link Partition} over a real log (file or
 * LMDB engine in its own directory). The log can be made to fail like a broken disk.
 */
final class Replica implements AutoCloseable {
    static final TopicPartition TP = new TopicPartition("t", 0);
    /** What a failing disk refuses: every change of the log (reads of in-memory state still answer). */
    private static final java.util.Set<String> WRITES = java.util.Set.of("append", "appendWithOffsets", "truncateTo",
            "truncateFullyAndStartAt", "deleteRecordsBefore", "flush", "assignEpochStartOffset");

    final String name;
    final Path dir;
    final String engineName;
    final TopicPartition tp;
    final Time time;
    LogStorageEngine engine;
    Partition partition;
    volatile boolean failing;

    Replica(String name, Path dir, TopicPartition tp, String engineName, Time time) {
        this.name = name;
        this.dir = dir;
        this.tp = tp;
        this.engineName = engineName;
        this.time = time;
        open();
    }

    Replica(String name, Path dir, Time time) {
        this(name, dir, TP, "file", time);
    }

    private void open() {
        engine = LogStorageProviders.byName(engineName).open(dir.resolve(name), Map.of(), time);
        LogStorage log = engine.open(tp, LogConfig.DEFAULT);
        LogStorage faulty = (LogStorage) Proxy.newProxyInstance(LogStorage.class.getClassLoader(),
                new Class<?>[]{LogStorage.class}, (proxy, method, args) -> {
                    if (failing && WRITES.contains(method.getName())) {
                        throw new StorageException(name + ": disk failed in " + method.getName());
                    }
                    try {
                        return method.invoke(log, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        // opened as a follower would be before its first LeaderAndIsr: epoch -1 records no epoch start
        partition = new Partition(faulty, new PartitionSettings(TimestampType.CREATE_TIME, 1 << 20), -1, -1,
                dir.resolve(name + "-producer-state"), time);
        partition.becomeFollower(-1, -1);
    }

    /** A clean restart: the partition closes and opens again from its files. */
    void restart() {
        close();
        open();
    }

    /** Appends batches as a follower would have, to set up a history (offsets and epochs as given). */
    void append(ByteBuffer... batches) {
        for (ByteBuffer b : batches) {
            partition.follower().append(b.duplicate());
        }
    }

    /** Every batch of the log: base offset, epoch and bytes, for comparing replicas batch for batch. */
    List<String> batches() {
        List<String> out = new ArrayList<>();
        RecordBatch batch = new RecordBatch();
        long next = partition.logStartOffset();
        while (next < partition.logEndOffset()) { // read on from each answer's end, as a fetcher does
            ByteBuffer all;
            try {
                all = partition.log().read(next, partition.logEndOffset(), 1 << 20, true).toBuffer();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            for (int at = all.position(); at < all.limit(); at += batch.sizeInBytes()) {
                batch.wrap(all, at);
                byte[] bytes = new byte[batch.sizeInBytes()];
                all.duplicate().position(at).get(bytes);
                out.add(batch.baseOffset() + "@" + batch.partitionLeaderEpoch() + ":" + java.util.Arrays.hashCode(bytes)
                        + "/" + bytes.length);
                next = batch.lastOffset() + 1;
            }
        }
        return out;
    }

    @Override
    public void close() {
        failing = false;
        partition.close();
        engine.close();
    }
}

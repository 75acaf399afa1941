package dev.sluice.tools.cluster;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ReplicaLog on a partition directory written here: batches in segment order, a torn tail ignored,
 * epochs; and on the same replica written through the {@code file} and the {@code lmdb} engines.
 */
class ReplicaLogTest {
    @TempDir
    Path dir;

    private static byte[] batch(long baseOffset, int epoch, int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).baseOffset(baseOffset).partitionLeaderEpoch(epoch);
        for (int i = 0; i < records; i++) {
            builder.append(1_000L + i, null, new byte[] {(byte) i});
        }
        ByteBuffer b = builder.build();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    @Test
    void readsEveryBatchHeaderAndTheEpochsThatWroteSomething() throws Exception {
        Path partition = Files.createDirectories(dir.resolve("t-0"));
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.write(batch(0, 0, 2));
        first.write(batch(2, 0, 1));
        Files.write(partition.resolve("00000000000000000000.log"), first.toByteArray());
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        second.write(batch(3, 2, 3));
        byte[] torn = batch(6, 2, 1);
        second.write(torn, 0, torn.length - 5); // a write cut short by a crash: not a batch
        Files.write(partition.resolve("00000000000000000003.log"), second.toByteArray());
        Files.write(partition.resolve("leader-epoch-checkpoint"), List.of("0", "3", "0 0", "2 3", "3 6"));

        ReplicaLog log = ReplicaLog.read(dir, "t", 0);
        assertThat(log.batches()).extracting(ReplicaLog.Batch::baseOffset, ReplicaLog.Batch::lastOffset, ReplicaLog.Batch::leaderEpoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 1L, 0), org.assertj.core.groups.Tuple.tuple(2L, 2L, 0),
                        org.assertj.core.groups.Tuple.tuple(3L, 5L, 2));
        assertThat(log.endOffset()).isEqualTo(6);
        // epoch 3 starts at the log end: it wrote nothing, so it is not part of the replicated history
        assertThat(log.epochs()).containsExactly(new ReplicaLog.Epoch(0, 0), new ReplicaLog.Epoch(2, 3));
        assertThat(log.epochsOfBatches()).isEqualTo(log.epochs());
        assertThat(ReplicaLog.read(dir, "t", 0)).isEqualTo(log);
    }

    @Test
    void readsTheSameReplicaFromTheFileAndTheLmdbEngine() throws Exception {
        TopicPartition tp = new TopicPartition("t", 2);
        Map<String, ReplicaLog> read = new TreeMap<>();
        for (String engine : List.of("file", "lmdb")) {
            Path logDir = dir.resolve(engine + "-broker");
            Path engineDir = engine.equals("file") ? logDir : logDir.resolve(engine);
            LogStorageEngine storage = LogStorageProviders.byName(engine).open(engineDir, Map.of(), Time.SYSTEM);
            try {
                LogStorage log = storage.open(tp, LogConfig.DEFAULT);
                // as a follower appends them: offsets and leader epochs as the leader wrote them
                log.appendWithOffsets(ByteBuffer.wrap(concat(batch(0, 0, 2), batch(2, 0, 1))));
                log.appendWithOffsets(ByteBuffer.wrap(batch(3, 2, 3)));
                log.assignEpochStartOffset(4, 6); // a leadership that appended nothing
                log.flush();
                log.close();
            } finally {
                storage.close();
            }
            read.put(engine, ReplicaLog.read(logDir, engine, "t", 2));
        }
        ReplicaLog file = read.get("file");
        assertThat(file.batches()).extracting(ReplicaLog.Batch::baseOffset, ReplicaLog.Batch::lastOffset, ReplicaLog.Batch::leaderEpoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 1L, 0), org.assertj.core.groups.Tuple.tuple(2L, 2L, 0),
                        org.assertj.core.groups.Tuple.tuple(3L, 5L, 2));
        assertThat(file.epochs()).containsExactly(new ReplicaLog.Epoch(0, 0), new ReplicaLog.Epoch(2, 3));
        assertThat(read.get("lmdb")).isEqualTo(file);
        assertThatThrownBy(() -> ReplicaLog.read(dir.resolve("lmdb-broker"), "lmdb", "t", 3)).hasMessageContaining("no partition t-3");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}

package dev.sluice.broker.partition;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A roll by {@code segment.ms} snapshots the producer state like a roll by size, whether the roll
 * happens in an append or in retention (no append needed), on a manual clock.
 */
class ProducerSnapshotOnTimeRollTest {
    private static final LogConfig ROLL_EVERY_SECOND = LogConfig.DEFAULT.withSegmentMs(1_000);

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(1_000_000);
    LogStorageEngine engine;
    Partition partition;
    Path snapshots;

    @BeforeEach
    void open() {
        snapshots = dir.resolve("producer-state");
        engine = LogStorageProviders.byName("file").open(dir.resolve("logs"), Map.of(), clock);
        partition = openPartition();
    }

    private Partition openPartition() {
        return new Partition(engine.open(new TopicPartition("t", 0), ROLL_EVERY_SECOND),
                new PartitionSettings(TimestampType.CREATE_TIME, 1 << 20), 0, -1, snapshots, clock);
    }

    @AfterEach
    void close() {
        partition.close();
        engine.close();
    }

    private ByteBuffer batch(long producerId, int baseSequence, int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, (short) 0, baseSequence);
        for (int i = 0; i < count; i++) {
            builder.append(clock.milliseconds(), null, new byte[10]);
        }
        return builder.build();
    }

    private List<Long> snapshotOffsets() throws IOException {
        if (!Files.exists(snapshots)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(snapshots)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".snapshot"))
                    .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }

    @Test
    void aTimeRollInRetentionSnapshotsTheProducerStateAtTheNewSegment() throws IOException {
        assertThat(partition.appendAsLeader(batch(7, 0, 3))).isInstanceOf(AppendOutcome.Appended.class);
        clock.advance(500);
        partition.enforceRetention();
        assertThat(snapshotOffsets()).as("segment younger than segment.ms: no roll, no snapshot").isEmpty();

        clock.advance(600);
        partition.enforceRetention(); // the active segment is 1.1 s old: rolled at the log end, 3
        assertThat(snapshotOffsets()).containsExactly(3L);
        partition.enforceRetention(); // the new segment is empty: no roll, no second snapshot
        assertThat(snapshotOffsets()).containsExactly(3L);

        // and the roll's snapshot is what a restart starts from: with the one of close removed,
        // producer 8 (appended after the roll) is replayed on top of it and both retries are recognised
        assertThat(partition.appendAsLeader(batch(8, 0, 1))).isEqualTo(new AppendOutcome.Appended(3, 3, -1, 0, false));
        partition.close(); // snapshot at 4
        engine.close();
        Files.delete(snapshots.resolve(String.format("%020d.snapshot", 4)));
        assertThat(snapshotOffsets()).containsExactly(3L);
        engine = LogStorageProviders.byName("file").open(dir.resolve("logs"), Map.of(), clock);
        partition = openPartition();
        assertThat(partition.appendAsLeader(batch(7, 0, 3))).isEqualTo(new AppendOutcome.Appended(0, 2, -1, 0, true));
        assertThat(partition.appendAsLeader(batch(8, 0, 1))).isEqualTo(new AppendOutcome.Appended(3, 3, -1, 0, true));
    }

    @Test
    void aTimeRollInAnAppendSnapshotsTheProducerStateBeforeThatAppend() throws IOException {
        partition.appendAsLeader(batch(7, 0, 3));
        clock.advance(1_100);
        assertThat(partition.appendAsLeader(batch(7, 3, 2))).isEqualTo(new AppendOutcome.Appended(3, 4, -1, 0, false));
        assertThat(snapshotOffsets()).containsExactly(3L);
    }

    /** LMDB has no segments: its producer state is snapshotted as if it rolled, by size and by time. */
    @Test
    void aLogWithoutSegmentsSnapshotsAfterSegmentBytesOrSegmentMs() throws IOException {
        partition.close();
        engine.close();
        engine = LogStorageProviders.byName("lmdb").open(dir.resolve("lmdb"), Map.of(), clock);
        LogConfig small = ROLL_EVERY_SECOND.withSegmentBytes(2_000);
        snapshots = dir.resolve("lmdb-producer-state");
        partition = new Partition(engine.open(new TopicPartition("t", 0), small),
                new PartitionSettings(TimestampType.CREATE_TIME, 1 << 20), 0, -1, snapshots, clock);

        partition.appendAsLeader(batch(7, 0, 3));
        assertThat(snapshotOffsets()).as("far below segment.bytes, segment.ms not passed").isEmpty();
        for (int seq = 3; snapshotOffsets().isEmpty(); seq += 20) {
            assertThat(seq).as("a snapshot once about segment.bytes were appended").isLessThan(400);
            partition.appendAsLeader(batch(7, seq, 20));
        }
        long bySize = snapshotOffsets().get(0);
        assertThat(bySize).isEqualTo(partition.logEndOffset());

        partition.appendAsLeader(batch(8, 0, 1));
        partition.enforceRetention();
        assertThat(snapshotOffsets()).as("segment.ms not passed since").containsExactly(bySize);
        clock.advance(1_100);
        partition.enforceRetention();
        assertThat(snapshotOffsets()).containsExactly(bySize, bySize + 1);
        partition.enforceRetention();
        assertThat(snapshotOffsets()).as("nothing appended since: no new snapshot").containsExactly(bySize, bySize + 1);
    }
}

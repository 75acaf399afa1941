package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
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

/** Producer state kept by the log: staged per request, committed after the append, snapshotted, rebuilt after truncation. */
class PartitionProducerStateTest {
    private static final PartitionSettings CREATE_TIME = new PartitionSettings(TimestampType.CREATE_TIME, 1 << 20);

    @TempDir
    Path dir;
    LogStorageEngine engine;
    Partition partition;
    Path snapshots;
    int opened;

    @BeforeEach
    void open() {
        engine = LogStorageProviders.byName("file").open(dir.resolve("logs"), Map.of(), Time.SYSTEM);
        snapshots = dir.resolve("producer-state");
        partition = open(LogConfig.DEFAULT);
    }

    /** Reopens the same log directory through a fresh engine (as a restart does). */
    private Partition reopen(LogConfig config) {
        partition.close();
        engine.close();
        engine = LogStorageProviders.byName("file").open(dir.resolve("logs"), Map.of(), Time.SYSTEM);
        return open(config);
    }

    private Partition open(LogConfig config) {
        return new Partition(engine.open(new TopicPartition("t", 0), config), CREATE_TIME, 0, -1, snapshots, Time.SYSTEM);
    }

    @AfterEach
    void close() {
        partition.close();
        engine.close();
    }

    private static ByteBuffer batch(long producerId, int epoch, int baseSequence, int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, (short) epoch, baseSequence);
        for (int i = 0; i < count; i++) {
            builder.append(System.currentTimeMillis(), null, new byte[100]);
        }
        return builder.build();
    }

    private static ByteBuffer concat(ByteBuffer... batches) {
        int size = Stream.of(batches).mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer b : batches) {
            all.put(b.duplicate());
        }
        return all.flip();
    }

    private static AppendOutcome.Appended appended(long first, long last, boolean duplicate) {
        return new AppendOutcome.Appended(first, last, -1, 0, duplicate);
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
    void severalBatchesOfOneProducerInOneRequestAreCheckedAgainstEachOther() {
        assertThat(partition.appendAsLeader(concat(batch(7, 0, 0, 2), batch(8, 0, 0, 1), batch(7, 0, 2, 3))))
                .isEqualTo(appended(0, 5, false));
        // the last batch of the request is what a retry is recognised by, and where the next one continues
        assertThat(partition.appendAsLeader(batch(7, 0, 2, 3))).isEqualTo(appended(3, 5, true));
        assertThat(partition.appendAsLeader(batch(7, 0, 5, 1))).isEqualTo(appended(6, 6, false));
    }

    @Test
    void aRefusedRequestLeavesTheStateAsItWas() {
        partition.appendAsLeader(batch(7, 0, 0, 2));
        // batch 2 of producer 8 skips sequence 1: the whole request is refused, producer 7's batch 2-3 included
        AppendOutcome gap = partition.appendAsLeader(concat(batch(7, 0, 2, 2), batch(8, 0, 0, 1), batch(8, 0, 2, 1)));
        assertThat(gap).isInstanceOfSatisfying(AppendOutcome.Rejected.class, r -> {
            assertThat(r.error()).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE_NUMBER);
            assertThat(r.message()).contains("producer 8 sent sequence 2", "next expected", "is 1");
        });
        // and a repeat of a sequence range inside one request, or an older epoch after a newer one
        assertThat(partition.appendAsLeader(concat(batch(9, 0, 0, 1), batch(9, 0, 0, 1))))
                .isInstanceOf(AppendOutcome.Rejected.class);
        assertThat(partition.appendAsLeader(concat(batch(9, 1, 0, 1), batch(9, 0, 1, 1))))
                .isInstanceOfSatisfying(AppendOutcome.Rejected.class,
                        r -> assertThat(r.error()).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH));
        assertThat(partition.logEndOffset()).isEqualTo(2);
        // nothing of the refused requests was committed: producer 7 continues at 2, producers 8 and 9 start at 0
        assertThat(partition.appendAsLeader(batch(7, 0, 2, 2))).isEqualTo(appended(2, 3, false));
        assertThat(partition.appendAsLeader(batch(8, 0, 0, 1))).isEqualTo(appended(4, 4, false));
        assertThat(partition.appendAsLeader(batch(9, 0, 0, 1))).isEqualTo(appended(5, 5, false));
    }

    @Test
    void truncatingFullyForgetsEveryProducerEvenWithASnapshotAtTheNewStart() throws IOException {
        assertThat(partition.appendAsLeader(batch(7, 0, 0, 1))).isEqualTo(appended(0, 0, false));
        assertThat(partition.appendAsLeader(batch(7, 0, 1, 1))).isEqualTo(appended(1, 1, false));
        assertThat(partition.appendAsLeader(batch(7, 0, 2, 1))).isEqualTo(appended(2, 2, false));
        partition.snapshotProducerState(); // a snapshot at 3, the offset the log will restart at
        partition.appendAsLeader(batch(7, 0, 3, 1));

        partition.follower().truncateFullyAndStartAt(3);

        assertThat(partition.logStartOffset()).isEqualTo(3);
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(snapshotOffsets()).isEmpty();
        // the batches of sequences 0-2 are gone: a retry is appended again, not answered from offset 0
        assertThat(partition.appendAsLeader(batch(7, 0, 0, 1)))
                .isEqualTo(new AppendOutcome.Appended(3, 3, -1, 3, false));
        assertThat(partition.highWatermark()).isEqualTo(4);

        partition = reopen(LogConfig.DEFAULT); // and the rebuilt state after a restart agrees
        assertThat(partition.appendAsLeader(batch(7, 0, 0, 1)))
                .isEqualTo(new AppendOutcome.Appended(3, 3, -1, 3, true));
    }

    @Test
    void truncatingFullyBeyondTheEndMovesTheHighWatermarkToTheNewStart() {
        partition.appendAsLeader(batch(7, 0, 0, 2));

        partition.follower().truncateFullyAndStartAt(500);

        assertThat(partition.highWatermark()).isEqualTo(500);
        assertThat(partition.appendAsLeader(batch(8, 0, 0, 1)))
                .isEqualTo(new AppendOutcome.Appended(500, 500, -1, 500, false));
        assertThat(partition.read(500, 1 << 20, FetchIsolation.HIGH_WATERMARK, true).highWatermark()).isEqualTo(501);
    }

    @Test
    void snapshotsAreWrittenAtEverySegmentRollAndOnCloseAndOldOnesArePruned() throws IOException {
        partition.close();
        engine.close();
        engine = LogStorageProviders.byName("file").open(dir.resolve("logs"), Map.of(), Time.SYSTEM);
        partition = open(LogConfig.DEFAULT.withSegmentBytes(1024));
        int size = batch(7, 0, 0, 3).remaining(); // about 400 bytes: two batches per segment
        for (int seq = 0; seq < 30; seq += 3) {
            assertThat(partition.appendAsLeader(batch(7, 0, seq, 3))).isInstanceOf(AppendOutcome.Appended.class);
        }
        assertThat(size).isBetween(300, 500);
        // rolls at 6, 12, 18, 24: the last three kept
        assertThat(snapshotOffsets()).containsExactly(12L, 18L, 24L);

        partition = reopen(LogConfig.DEFAULT.withSegmentBytes(1024));
        assertThat(snapshotOffsets()).containsExactly(18L, 24L, 30L);
        assertThat(partition.appendAsLeader(batch(7, 0, 27, 3))).isEqualTo(appended(27, 29, true));
    }

    /** #19.9: a clean shutdown of thousands of idle partitions wrote and fsynced a snapshot for each. */
    @Test
    void closingAPartitionUntouchedSinceItsSnapshotWritesNoNewSnapshot() throws IOException {
        partition.appendAsLeader(batch(7, 0, 0, 2));
        partition = reopen(LogConfig.DEFAULT); // the close wrote the snapshot at 2
        Path file = snapshots.resolve(String.format("%020d.snapshot", 2));
        Object written = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        partition = reopen(LogConfig.DEFAULT); // loaded from that snapshot, nothing appended
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .as("the same file, not a rewritten copy renamed over it").isEqualTo(written);
        assertThat(partition.appendAsLeader(batch(7, 0, 0, 2))).isEqualTo(appended(0, 1, true));

        partition.appendAsLeader(batch(7, 0, 2, 2));
        partition = reopen(LogConfig.DEFAULT); // written to: a new snapshot at the new end
        assertThat(snapshotOffsets()).containsExactly(2L, 4L);
        assertThat(partition.appendAsLeader(batch(7, 0, 2, 2))).isEqualTo(appended(2, 3, true));
    }

    @Test
    void aSnapshotWithABadCrcIsIgnoredAndTheStateRebuiltFromTheLog() throws IOException {
        partition.appendAsLeader(batch(7, 0, 0, 2));
        partition.appendAsLeader(batch(7, 0, 2, 2));
        partition.close(); // writes the snapshot at 4
        engine.close();
        Path file = snapshots.resolve(String.format("%020d.snapshot", 4));
        byte[] bytes = Files.readAllBytes(file);
        // the last 8 bytes are the last batch's timestamp; before it its last offset (3): make it 1003
        int lastOffsetAt = bytes.length - 16;
        ByteBuffer.wrap(bytes).putLong(lastOffsetAt, 1003);
        Files.write(file, bytes);

        engine = LogStorageProviders.byName("file").open(dir.resolve("logs"), Map.of(), Time.SYSTEM);
        partition = open(LogConfig.DEFAULT);

        // rebuilt from the log: the retry of 2-3 is answered with offsets 2..3, not the snapshot's 2..1003
        assertThat(partition.appendAsLeader(batch(7, 0, 2, 2))).isEqualTo(appended(2, 3, true));
        // and the same file with a matching CRC would have been believed (so the CRC is what refused it)
        partition.close();
        engine.close();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 6, bytes.length - 6);
        ByteBuffer.wrap(bytes).putInt(2, (int) crc.getValue());
        Files.write(file, bytes);
        engine = LogStorageProviders.byName("file").open(dir.resolve("logs"), Map.of(), Time.SYSTEM);
        partition = open(LogConfig.DEFAULT);
        assertThat(partition.appendAsLeader(batch(7, 0, 2, 2))).isEqualTo(appended(2, 1003, true));
    }

    @Test
    void afterTruncationARetryOfATruncatedBatchIsAppendedAgain() throws IOException {
        partition.appendAsLeader(batch(7, 0, 0, 2));   // offsets 0-1
        partition.snapshotProducerState();              // snapshot at 2
        partition.appendAsLeader(batch(7, 0, 2, 2));   // offsets 2-3
        partition.appendAsLeader(batch(8, 0, 0, 1));   // offset 4
        partition.snapshotProducerState();              // snapshot at 5: knows producer 7 up to 3
        assertThat(snapshotOffsets()).containsExactly(2L, 5L);

        partition.follower().truncateTo(2);

        assertThat(partition.logEndOffset()).isEqualTo(2);
        assertThat(snapshotOffsets()).containsExactly(2L); // the one above the truncation point is gone
        // producer 7's retry of 2-3 is new again, not a duplicate; producer 8 is unknown again
        assertThat(partition.appendAsLeader(batch(7, 0, 2, 2))).isEqualTo(appended(2, 3, false));
        assertThat(partition.appendAsLeader(batch(8, 0, 0, 1))).isEqualTo(appended(4, 4, false));
        assertThat(partition.appendAsLeader(batch(7, 0, 0, 2))).isEqualTo(appended(0, 1, true));
    }

    @Test
    void aFollowerAppendUpdatesProducerStateWithoutSequenceDecisions() {
        ByteBuffer first = batch(7, 0, 0, 2);   // offsets 0-1 as the leader assigned them
        ByteBuffer gap = batch(7, 0, 5, 1);     // sequence 5 after 1: the leader accepted it, so must the follower
        gap.putLong(0, 2L);
        ByteBuffer other = batch(8, 3, 9, 2);   // a producer this replica never saw start
        other.putLong(0, 3L);

        assertThat(partition.follower().append(concat(first, gap, other)).lastOffset()).isEqualTo(4);

        assertThat(partition.logEndOffset()).isEqualTo(5);
        // the same state a leader would have: retries are duplicates, the next sequences follow on
        assertThat(partition.appendAsLeader(batch(7, 0, 5, 1))).isEqualTo(appended(2, 2, true));
        assertThat(partition.appendAsLeader(batch(8, 3, 9, 2))).isEqualTo(appended(3, 4, true));
        assertThat(partition.appendAsLeader(batch(7, 0, 6, 1))).isEqualTo(appended(5, 5, false));
    }
}

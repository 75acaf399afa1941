package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatch;
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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appends through {@link Partition#appendAsLeader} on the file backend: the one header walk's facts
 * drive the sequence check, the stamping, the storage append and the producer state.
 */
class PartitionAppendTest {
    @TempDir
    Path dir;
    LogStorageEngine engine;
    Partition partition;

    @BeforeEach
    void open() {
        engine = LogStorageProviders.byName("file").open(dir, Map.of(), Time.SYSTEM);
        partition = open(0, new PartitionSettings(TimestampType.CREATE_TIME, 1 << 20));
    }

    private Partition open(int index, PartitionSettings settings) {
        return new Partition(engine.open(new TopicPartition("t", index), LogConfig.DEFAULT), settings, 4, -1,
                dir.resolve("producer-state-" + index), Time.SYSTEM);
    }

    @AfterEach
    void close() throws Exception {
        partition.close();
        engine.close();
    }

    private static ByteBuffer batch(long producerId, short epoch, int baseSequence, int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, epoch, baseSequence);
        for (int i = 0; i < count; i++) {
            builder.append(System.currentTimeMillis(), null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (ByteBuffer b : batches) {
            all.put(b.duplicate());
        }
        return all.flip();
    }

    private List<RecordBatch> stored() throws Exception {
        ByteBuffer bytes = partition.read(0, 1 << 20, FetchIsolation.LOG_END, true).records().toBuffer();
        List<RecordBatch> batches = new ArrayList<>();
        for (int at = bytes.position(); at < bytes.limit(); at += new RecordBatch(bytes, at).sizeInBytes()) {
            batches.add(new RecordBatch(bytes, at));
        }
        return batches;
    }

    @Test
    void aRequestOfBatchesFromMixedProducersIsStampedAppendedAndRemembered() throws Exception {
        ByteBuffer request = concat(batch(7, (short) 0, 0, 2), batch(-1, (short) -1, -1, 1), batch(9, (short) 3, 0, 3));

        AppendOutcome outcome = partition.appendAsLeader(request);

        assertThat(outcome).isEqualTo(new AppendOutcome.Appended(0, 5, -1, 0, false));
        List<RecordBatch> batches = stored();
        assertThat(batches).extracting(RecordBatch::baseOffset).containsExactly(0L, 2L, 3L);
        assertThat(batches).extracting(RecordBatch::partitionLeaderEpoch).containsOnly(4);
        assertThat(batches).allSatisfy(b -> assertThat(b.isCrcValid()).isTrue());
        // both producers' batches are known: their retries are answered with the original offsets
        AppendOutcome retry7 = partition.appendAsLeader(batch(7, (short) 0, 0, 2));
        assertThat(retry7).isEqualTo(new AppendOutcome.Appended(0, 1, -1, 0, true));
        AppendOutcome retry9 = partition.appendAsLeader(batch(9, (short) 3, 0, 3));
        assertThat(retry9).isEqualTo(new AppendOutcome.Appended(3, 5, -1, 0, true));
        // and the next sequences continue where each left off
        assertThat(partition.appendAsLeader(batch(9, (short) 3, 3, 1))).isInstanceOf(AppendOutcome.Appended.class);
        assertThat(partition.appendAsLeader(batch(7, (short) 0, 5, 1)))
                .isEqualTo(new AppendOutcome.Rejected(AppendError.OUT_OF_ORDER_SEQUENCE_NUMBER,
                        "producer 7 sent sequence 5 but the next expected is 2"));
        assertThat(partition.logEndOffset()).isEqualTo(7);
    }

    @Test
    void logAppendTimeIsStampedOnceWithAValidCrcAndRemembered() throws Exception {
        partition.close();
        partition = open(1, new PartitionSettings(TimestampType.LOG_APPEND_TIME, 1 << 20));
        long before = System.currentTimeMillis();

        AppendOutcome outcome = partition.appendAsLeader(concat(batch(7, (short) 0, 0, 2), batch(8, (short) 0, 0, 1)));

        long stamped = ((AppendOutcome.Appended) outcome).logAppendTime();
        assertThat(stamped).isGreaterThanOrEqualTo(before);
        assertThat(stored()).allSatisfy(b -> {
            assertThat(b.maxTimestamp()).isEqualTo(stamped);
            assertThat(b.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(b.isCrcValid()).isTrue();
        });
        assertThat(partition.log().maxTimestamp()).hasValueSatisfying(t -> assertThat(t.timestamp()).isEqualTo(stamped));
        AppendOutcome retry = partition.appendAsLeader(batch(8, (short) 0, 0, 1));
        assertThat(retry).isEqualTo(new AppendOutcome.Appended(2, 2, stamped, 0, true));
    }

    @Test
    void aBadCrcInTheSecondBatchRefusesTheWholeRequestAndLeavesProducerStateAlone() throws Exception {
        ByteBuffer bad = batch(9, (short) 0, 0, 2);
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x55));

        AppendOutcome outcome = partition.appendAsLeader(concat(batch(7, (short) 0, 0, 1), bad));

        assertThat(outcome).isInstanceOfSatisfying(AppendOutcome.Rejected.class,
                r -> assertThat(r.error()).isEqualTo(AppendError.CORRUPT_MESSAGE));
        assertThat(partition.logEndOffset()).isZero();
        // producer 7's batch was not appended, so it is not a duplicate now
        assertThat(partition.appendAsLeader(batch(7, (short) 0, 0, 1)))
                .isEqualTo(new AppendOutcome.Appended(0, 0, -1, 0, false));
    }
}

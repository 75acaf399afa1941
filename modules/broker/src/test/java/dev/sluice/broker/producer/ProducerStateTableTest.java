package dev.sluice.broker.producer;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class ProducerStateTableTest {
    private final ProducerStateTable table = new ProducerStateTable();

    private static RecordBatch batch(long producerId, int epoch, int firstSeq, int records, long baseOffset) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, (short) epoch, firstSeq).baseOffset(baseOffset);
        for (int i = 0; i < records; i++) {
            builder.append(100 + i, null, new byte[]{(byte) i});
        }
        return new RecordBatch(builder.build(), 0);
    }

    private void append(RecordBatch batch) {
        assertThat(table.check(batch)).isInstanceOf(SequenceCheck.Accept.class);
        table.record(batch, batch.maxTimestamp(), 0);
    }

    @Test
    void nonIdempotentBatchesAreAlwaysAccepted() {
        RecordBatch plain = new RecordBatch(new RecordBatchBuilder(null).append(1, null, new byte[1]).build(), 0);
        assertThat(table.check(plain)).isInstanceOf(SequenceCheck.Accept.class);
        table.record(plain, 1, 0);
        assertThat(table.size()).isZero();
    }

    @Test
    void inSequenceBatchesAreAcceptedAndRetriesAreDuplicates() {
        append(batch(7, 0, 0, 3, 0));
        append(batch(7, 0, 3, 2, 3));
        SequenceCheck retry = table.check(batch(7, 0, 0, 3, 999));
        assertThat(retry).isEqualTo(new SequenceCheck.Duplicate(0, 2, 102));
    }

    @Test
    void gapsAndNewProducersStartingLateAreOutOfOrder() {
        append(batch(7, 0, 0, 3, 0));
        assertThat(table.check(batch(7, 0, 5, 1, 3))).isInstanceOf(SequenceCheck.OutOfOrder.class);
        assertThat(table.check(batch(8, 0, 4, 1, 3))).isInstanceOf(SequenceCheck.OutOfOrder.class);
    }

    @Test
    void olderEpochIsFencedAndNewEpochRestartsAtZero() {
        append(batch(7, 2, 0, 1, 0));
        assertThat(table.check(batch(7, 1, 1, 1, 1))).isInstanceOf(SequenceCheck.Fenced.class);
        assertThat(table.check(batch(7, 3, 1, 1, 1))).isInstanceOf(SequenceCheck.OutOfOrder.class);
        append(batch(7, 3, 0, 1, 1));
        assertThat(table.check(batch(7, 2, 1, 1, 2))).isInstanceOf(SequenceCheck.Fenced.class);
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        for (int i = 0; i < 6; i++) {
            append(batch(1, 0, i, 1, i));
        }
        assertThat(table.check(batch(1, 0, 0, 1, 0))).isInstanceOf(SequenceCheck.OutOfOrder.class);
        assertThat(table.check(batch(1, 0, 1, 1, 0))).isInstanceOf(SequenceCheck.Duplicate.class);
    }

    @Test
    void snapshotRoundTripKeepsDuplicateDetection() throws IOException {
        append(batch(9, 1, 0, 2, 10));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        table.writeSnapshot(out);
        ProducerStateTable restored = new ProducerStateTable();
        restored.readSnapshot(new ByteArrayInputStream(out.toByteArray()));
        assertThat(restored.check(batch(9, 1, 0, 2, 0))).isEqualTo(new SequenceCheck.Duplicate(10, 11, 101));
        assertThat(restored.check(batch(9, 1, 2, 1, 0))).isInstanceOf(SequenceCheck.Accept.class);
    }

    @Test
    void idleProducersExpire() {
        table.record(batch(1, 0, 0, 1, 0), 0, 1_000);
        table.record(batch(2, 0, 0, 1, 1), 0, 5_000);
        assertThat(table.expire(6_000, 2_000)).isEqualTo(1);
        assertThat(table.check(batch(2, 0, 1, 1, 2))).isInstanceOf(SequenceCheck.Accept.class);
    }
}

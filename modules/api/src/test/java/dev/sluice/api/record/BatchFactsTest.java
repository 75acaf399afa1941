package dev.sluice.api.record;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchFactsTest {

    private static ByteBuffer batch(long producerId, short epoch, int baseSequence, long... timestamps) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, epoch, baseSequence).partitionLeaderEpoch(2);
        for (long ts : timestamps) {
            builder.append(ts, null, "v".getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(size + 3).position(3); // facts hold absolute positions
        for (ByteBuffer b : batches) {
            all.put(b.duplicate());
        }
        return all.flip().position(3);
    }

    @Test
    void oneWalkRecordsEveryHeaderFieldTheAppendNeeds() {
        ByteBuffer a = batch(7, (short) 1, 10, 100, 300, 200);
        ByteBuffer b = batch(-1, (short) -1, -1, 50);
        ByteBuffer c = batch(9, (short) 0, Integer.MAX_VALUE - 1, 5, 6, 7);
        ByteBuffer input = concat(a, b, c);

        BatchFacts facts = new BatchFacts().collectValidated(input, new RecordBatch());

        assertThat(facts.count()).isEqualTo(3);
        assertThat(facts.crcVerified()).isTrue();
        assertThat(facts.bytes()).isEqualTo(input.remaining());
        assertThat(facts.records()).isEqualTo(7);
        assertThat(facts.position(0)).isEqualTo(3);
        assertThat(facts.position(1)).isEqualTo(3 + a.remaining());
        assertThat(facts.size(2)).isEqualTo(c.remaining());
        assertThat(facts.maxTimestamp(0)).isEqualTo(300);
        assertThat(facts.lastOffsetDelta(0)).isEqualTo(2);
        assertThat(facts.producerId(0)).isEqualTo(7);
        assertThat(facts.producerEpoch(0)).isEqualTo((short) 1);
        assertThat(facts.baseSequence(0)).isEqualTo(10);
        assertThat(facts.lastSequence(0)).isEqualTo(12);
        assertThat(facts.producerId(1)).isEqualTo(RecordBatch.NO_PRODUCER_ID);
        assertThat(facts.lastSequence(1)).isEqualTo(RecordBatch.NO_SEQUENCE);
        assertThat(facts.lastSequence(2)).isZero(); // MAX-1, MAX, then wraps to 0 as Kafka does
        assertThat(facts.leaderEpoch(2)).isEqualTo(2);
        facts.baseOffset(2, 40);
        assertThat(facts.lastOffset(2)).isEqualTo(42);
    }

    @Test
    void theArraysGrowOnceAndAreReusedAfterClear() {
        ByteBuffer[] many = new ByteBuffer[37];
        for (int i = 0; i < many.length; i++) {
            many[i] = batch(i, (short) 0, 0, i);
        }
        BatchFacts facts = new BatchFacts().collectValidated(concat(many), new RecordBatch());
        assertThat(facts.count()).isEqualTo(37);
        assertThat(facts.producerId(36)).isEqualTo(36);
        assertThat(facts.maxTimestamp(36)).isEqualTo(36);

        facts.collectValidated(concat(batch(5, (short) 0, 0, 1)), new RecordBatch());
        assertThat(facts.count()).isEqualTo(1);
        assertThat(facts.records()).isEqualTo(1);
        assertThat(facts.producerId(0)).isEqualTo(5);
    }

    @Test
    void aBadCrcStopsTheWalk() {
        ByteBuffer bad = batch(7, (short) 0, 0, 1, 2);
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x11));
        assertThatThrownBy(() -> new BatchFacts().collectValidated(concat(batch(1, (short) 0, 0, 1), bad), new RecordBatch()))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("CRC");
    }
}

package dev.sluice.api.record;

import dev.sluice.api.compression.CompressionCodecs;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordBatchTest {
    private static final CompressionCodecs NO_CODECS = CompressionCodecs.of(List.of());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer threeRecords() {
        return new RecordBatchBuilder(null)
                .baseOffset(0)
                .producer(42L, (short) 3, 7)
                .partitionLeaderEpoch(5)
                .append(1000L, utf8("k1"), utf8("v1"))
                .append(1005L, null, utf8("v2"), List.of(new Header("h", utf8("x")), new Header("n", null)))
                .append(999L, utf8("k3"), null)
                .build();
    }

    @Test
    void headerFieldsReflectWhatWasBuilt() {
        RecordBatch batch = new RecordBatch(threeRecords(), 0);
        batch.validate(batch.sizeInBytes());
        assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_V2);
        assertThat(batch.recordCount()).isEqualTo(3);
        assertThat(batch.lastOffsetDelta()).isEqualTo(2);
        assertThat(batch.baseTimestamp()).isEqualTo(1000L);
        assertThat(batch.maxTimestamp()).isEqualTo(1005L);
        assertThat(batch.producerId()).isEqualTo(42L);
        assertThat(batch.producerEpoch()).isEqualTo((short) 3);
        assertThat(batch.baseSequence()).isEqualTo(7);
        assertThat(batch.lastSequence()).isEqualTo(9);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(5);
        assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
    }

    @Test
    void recordsDecodeWithOffsetsTimestampsAndHeaders() {
        RecordBatch batch = new RecordBatch(threeRecords(), 0);
        batch.baseOffset(100);
        List<Record> records = RecordBatches.records(batch, NO_CODECS);
        assertThat(records).extracting(Record::offset).containsExactly(100L, 101L, 102L);
        assertThat(records).extracting(Record::timestamp).containsExactly(1000L, 1005L, 999L);
        assertThat(records.get(0).keyBytes()).isEqualTo(utf8("k1"));
        assertThat(records.get(1).key()).isNull();
        assertThat(records.get(2).value()).isNull();
        assertThat(records.get(1).headers()).containsExactly(new Header("h", utf8("x")), new Header("n", null));
    }

    @Test
    void baseOffsetAndEpochRewriteKeepTheCrcValid() {
        RecordBatch batch = new RecordBatch(threeRecords(), 0);
        batch.baseOffset(1234567L);
        batch.partitionLeaderEpoch(9);
        assertThat(batch.isCrcValid()).isTrue();
        assertThat(batch.lastOffset()).isEqualTo(1234569L);
    }

    @Test
    void logAppendTimeRewritesTimestampsAndCrc() {
        RecordBatch batch = new RecordBatch(threeRecords(), 0);
        batch.setLogAppendTime(5000L);
        assertThat(batch.isCrcValid()).isTrue();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(RecordBatches.records(batch, NO_CODECS)).extracting(Record::timestamp).containsOnly(5000L);
    }

    @Test
    void flippedByteFailsTheCrc() {
        ByteBuffer buffer = threeRecords();
        buffer.put(buffer.limit() - 3, (byte) (buffer.get(buffer.limit() - 3) ^ 0x10));
        RecordBatch batch = new RecordBatch(buffer, 0);
        assertThatThrownBy(() -> batch.validate(buffer.limit()))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("CRC");
    }

    @Test
    void wrongMagicAndWrongSizesAreRejected() {
        ByteBuffer magic = threeRecords();
        magic.put(RecordBatch.MAGIC_OFFSET, (byte) 1);
        assertThatThrownBy(() -> new RecordBatch(magic, 0).validate(magic.limit()))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("magic");

        ByteBuffer truncated = threeRecords();
        assertThatThrownBy(() -> new RecordBatch(truncated, 0).validate(truncated.limit() - 1))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("remain");

        ByteBuffer tiny = threeRecords();
        tiny.putInt(RecordBatch.LENGTH_OFFSET, 10);
        assertThatThrownBy(() -> new RecordBatch(tiny, 0).validate(tiny.limit()))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("smaller than the header");
    }

    @Test
    void validateAllWalksConsecutiveBatchesAndFindsPartialTail() {
        ByteBuffer one = threeRecords();
        ByteBuffer two = ByteBuffer.allocate(one.limit() * 2 + 5);
        two.put(one.duplicate()).put(one.duplicate()).put(new byte[5]).flip();
        ByteBuffer whole = two.duplicate().limit(one.limit() * 2);
        assertThat(RecordBatches.validateAll(whole)).isEqualTo(2);
        assertThat(RecordBatches.completeBatchesSize(two)).isEqualTo(one.limit() * 2);
        assertThatThrownBy(() -> RecordBatches.validateAll(two)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void sequenceWrapsLikeKafka() {
        ByteBuffer buffer = new RecordBatchBuilder(null).producer(1, (short) 0, Integer.MAX_VALUE - 1)
                .append(1, null, utf8("a")).append(2, null, utf8("b")).append(3, null, utf8("c")).build();
        assertThat(new RecordBatch(buffer, 0).lastSequence()).isEqualTo(0);
    }

    @Test
    void decompressionBeyondTheCapIsRefused() {
        dev.sluice.api.compression.CompressionCodec identity = new dev.sluice.api.compression.CompressionCodec() {
            @Override
            public int id() {
                return 1;
            }

            @Override
            public String name() {
                return "identity";
            }

            @Override
            public java.io.OutputStream compress(java.io.OutputStream out, Integer level) {
                return out;
            }

            @Override
            public java.io.InputStream decompress(ByteBuffer compressed) {
                byte[] bytes = new byte[compressed.remaining()];
                compressed.duplicate().get(bytes);
                return new java.io.ByteArrayInputStream(bytes);
            }
        };
        ByteBuffer buffer = new RecordBatchBuilder(identity).append(1, null, new byte[1000]).build();
        RecordBatch batch = new RecordBatch(buffer, 0);
        CompressionCodecs codecs = CompressionCodecs.of(List.of(identity));
        assertThat(RecordBatches.records(batch, codecs, 2000)).hasSize(1);
        assertThatThrownBy(() -> RecordBatches.records(batch, codecs, 500))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("more than 500");
    }
}

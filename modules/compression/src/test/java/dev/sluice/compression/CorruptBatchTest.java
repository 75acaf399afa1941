package dev.sluice.compression;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.RecordBatches;

import java.nio.ByteBuffer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch whose CRC is right but whose compressed records section is not (a buggy or hostile
 * producer computes the CRC over whatever it sends) is refused as corrupt, which the broker maps
 * to CORRUPT_MESSAGE.
 */
class CorruptBatchTest {

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void corruptCompressedRecordsAreInvalidRecords(CompressionType type) {
        RecordBatchBuilder builder = new RecordBatchBuilder(TestData.codec(type));
        for (int i = 0; i < 20; i++) {
            builder.append(1000 + i, TestData.bytes("k" + i), TestData.compressible(2000, i));
        }
        ByteBuffer built = builder.build();
        // cut the compressed section in half, fix the length and CRC so only the payload is wrong
        int cut = RecordBatch.HEADER_SIZE + (built.limit() - RecordBatch.HEADER_SIZE) / 2;
        ByteBuffer truncated = ByteBuffer.allocate(cut).put(built.duplicate().limit(cut)).flip();
        truncated.putInt(RecordBatch.LENGTH_OFFSET, cut - RecordBatch.LOG_OVERHEAD);
        RecordBatch batch = new RecordBatch(truncated, 0);
        batch.writeCrc();
        batch.validate(truncated.remaining());

        assertThatThrownBy(() -> RecordBatches.records(batch, CompressionCodecs.installed()))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("decompress");
    }
}

package dev.sluice.api.record;

import dev.sluice.api.compression.CompressionCodecs;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Our uncompressed v2 batches are byte-compatible with kafka-clients' record classes, both ways. */
class KafkaFormatCompatibilityTest {

    @Test
    void kafkaReadsWhatWeWrite() {
        ByteBuffer ours = new RecordBatchBuilder(null).baseOffset(10).producer(7L, (short) 1, 0).partitionLeaderEpoch(2)
                .append(100L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8),
                        List.of(new Header("h", new byte[]{1, 2})))
                .append(90L, null, new byte[300])
                .build();
        MemoryRecords records = MemoryRecords.readableRecords(ours);
        List<org.apache.kafka.common.record.Record> read = new ArrayList<>();
        records.batches().forEach(batch -> {
            batch.ensureValid();
            assertThat(batch.producerId()).isEqualTo(7L);
            assertThat(batch.partitionLeaderEpoch()).isEqualTo(2);
            assertThat(batch.maxTimestamp()).isEqualTo(100L);
            batch.forEach(read::add);
        });
        assertThat(read).hasSize(2);
        assertThat(read.get(0).offset()).isEqualTo(10L);
        assertThat(read.get(0).headers()[0].key()).isEqualTo("h");
        assertThat(read.get(1).timestamp()).isEqualTo(90L);
        assertThat(read.get(1).hasKey()).isFalse();
        assertThat(read.get(1).valueSize()).isEqualTo(300);
    }

    @Test
    void weReadWhatKafkaWrites() {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), Compression.NONE,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 50L);
        builder.append(new SimpleRecord(1L, "a".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8),
                new RecordHeader[]{new RecordHeader("x", null)}));
        builder.append(new SimpleRecord(3L, null, "c".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer kafka = builder.build().buffer();

        assertThat(RecordBatches.validateAll(kafka.duplicate())).isEqualTo(1);
        RecordBatch batch = new RecordBatch(kafka, 0);
        List<Record> records = RecordBatches.records(batch, CompressionCodecs.of(List.of()));
        assertThat(records).extracting(Record::offset).containsExactly(50L, 51L);
        assertThat(records).extracting(Record::timestamp).containsExactly(1L, 3L);
        assertThat(records.get(0).headers()).containsExactly(new Header("x", null));
        assertThat(records.get(1).key()).isNull();
    }
}

package dev.sluice.compression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.record.Header;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.record.TimestampType;
import dev.sluice.compression.TestData.Sample;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole record batches across the boundary: built by Sluice's RecordBatchBuilder with our codecs
 * and read by kafka-clients' MemoryRecords, and the other way round.
 */
class KafkaBatchInteropTest {
    private static final long BASE_OFFSET = 1_000L;
    private static final long PRODUCER_ID = 4_242L;
    private static final short PRODUCER_EPOCH = 7;
    private static final int BASE_SEQUENCE = 100;
    private static final int LEADER_EPOCH = 3;

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void kafkaReadsBatchesWeBuild(CompressionType type) {
        List<Sample> samples = TestData.samples();
        RecordBatchBuilder builder = new RecordBatchBuilder(TestData.codec(type))
                .baseOffset(BASE_OFFSET)
                .producer(PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE)
                .partitionLeaderEpoch(LEADER_EPOCH)
                .transactional(true);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.headers()));
        ByteBuffer built = builder.build();

        MutableRecordBatch batch = onlyKafkaBatch(built);
        batch.ensureValid();
        assertThat((int) batch.compressionType().id).isEqualTo(type.id());
        assertThat(batch.baseOffset()).isEqualTo(BASE_OFFSET);
        assertThat(batch.lastOffset()).isEqualTo(BASE_OFFSET + samples.size() - 1);
        assertThat(batch.producerId()).isEqualTo(PRODUCER_ID);
        assertThat(batch.producerEpoch()).isEqualTo(PRODUCER_EPOCH);
        assertThat(batch.baseSequence()).isEqualTo(BASE_SEQUENCE);
        assertThat(batch.lastSequence()).isEqualTo(BASE_SEQUENCE + samples.size() - 1);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(LEADER_EPOCH);
        assertThat(batch.isTransactional()).isTrue();
        assertThat(batch.isControlBatch()).isFalse();
        assertThat(batch.timestampType()).isEqualTo(org.apache.kafka.common.record.TimestampType.CREATE_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(samples.stream().mapToLong(Sample::timestamp).max().orElseThrow());
        assertThat(batch.countOrNull()).isEqualTo(samples.size());
        assertKafkaRecordsMatch(batch, samples, null);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void kafkaSeesTheLogAppendTimeWeStamp(CompressionType type) {
        List<Sample> samples = TestData.samples().subList(0, 4);
        RecordBatchBuilder builder = new RecordBatchBuilder(TestData.codec(type)).timestampType(TimestampType.LOG_APPEND_TIME);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.headers()));
        ByteBuffer built = builder.build();
        long appendTime = 1_800_000_000_000L;
        new RecordBatch(built, 0).setLogAppendTime(appendTime);

        MutableRecordBatch batch = onlyKafkaBatch(built);
        batch.ensureValid();
        assertThat(batch.timestampType()).isEqualTo(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(appendTime);
        assertThat(batch.producerId()).isEqualTo(RecordBatch.NO_PRODUCER_ID);
        assertThat(batch.baseSequence()).isEqualTo(RecordBatch.NO_SEQUENCE);
        assertKafkaRecordsMatch(batch, samples, appendTime);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void weReadBatchesKafkaBuilds(CompressionType type) {
        List<Sample> samples = TestData.samples();
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024),
                org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2, kafkaCompression(type),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, BASE_OFFSET,
                org.apache.kafka.common.record.RecordBatch.NO_TIMESTAMP, PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE,
                true, LEADER_EPOCH);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), kafkaHeaders(s.headers())));
        ByteBuffer built = builder.build().buffer();

        RecordBatch batch = onlyOurBatch(built);
        assertThat(batch.compressionId()).isEqualTo(type.id());
        assertThat(batch.baseOffset()).isEqualTo(BASE_OFFSET);
        assertThat(batch.lastOffset()).isEqualTo(BASE_OFFSET + samples.size() - 1);
        assertThat(batch.producerId()).isEqualTo(PRODUCER_ID);
        assertThat(batch.producerEpoch()).isEqualTo(PRODUCER_EPOCH);
        assertThat(batch.baseSequence()).isEqualTo(BASE_SEQUENCE);
        assertThat(batch.lastSequence()).isEqualTo(BASE_SEQUENCE + samples.size() - 1);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(LEADER_EPOCH);
        assertThat(batch.isTransactional()).isTrue();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(batch.baseTimestamp()).isEqualTo(samples.get(0).timestamp());
        assertThat(batch.maxTimestamp()).isEqualTo(samples.stream().mapToLong(Sample::timestamp).max().orElseThrow());
        assertOurRecordsMatch(RecordBatches.records(batch, CompressionCodecs.installed()), samples, null);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void weSeeTheLogAppendTimeKafkaStamps(CompressionType type) {
        List<Sample> samples = TestData.samples().subList(0, 4);
        long appendTime = 1_800_000_000_000L;
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024),
                org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2, kafkaCompression(type),
                org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, 0L, appendTime);
        samples.forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), kafkaHeaders(s.headers())));

        RecordBatch batch = onlyOurBatch(builder.build().buffer());
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(appendTime);
        assertThat(batch.producerId()).isEqualTo(RecordBatch.NO_PRODUCER_ID);
        assertThat(batch.producerEpoch()).isEqualTo(RecordBatch.NO_PRODUCER_EPOCH);
        assertThat(batch.baseSequence()).isEqualTo(RecordBatch.NO_SEQUENCE);
        assertThat(batch.isTransactional()).isFalse();
        assertOurRecordsMatch(RecordBatches.records(batch, CompressionCodecs.installed()), samples, appendTime);
    }

    private static MutableRecordBatch onlyKafkaBatch(ByteBuffer buffer) {
        Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(buffer.duplicate()).batches().iterator();
        assertThat(batches.hasNext()).isTrue();
        MutableRecordBatch batch = batches.next();
        assertThat(batches.hasNext()).isFalse();
        return batch;
    }

    private static RecordBatch onlyOurBatch(ByteBuffer buffer) {
        assertThat(RecordBatches.validateAll(buffer)).isEqualTo(1);
        return new RecordBatch(buffer, buffer.position());
    }

    /** @param logAppendTime every record's expected timestamp, or null for each sample's own */
    private static void assertKafkaRecordsMatch(MutableRecordBatch batch, List<Sample> samples, Long logAppendTime) {
        int i = 0;
        for (org.apache.kafka.common.record.Record record : batch) {
            Sample sample = samples.get(i);
            assertThat(record.offset()).isEqualTo(batch.baseOffset() + i);
            assertThat(record.timestamp()).isEqualTo(logAppendTime == null ? sample.timestamp() : logAppendTime);
            assertThat(record.hasKey()).isEqualTo(sample.key() != null);
            assertThat(record.hasValue()).isEqualTo(sample.value() != null);
            assertThat(bytesOf(record.key())).isEqualTo(sample.key());
            assertThat(bytesOf(record.value())).isEqualTo(sample.value());
            List<Header> headers = new ArrayList<>();
            for (org.apache.kafka.common.header.Header header : record.headers()) {
                headers.add(new Header(header.key(), header.value()));
            }
            assertThat(headers).as("headers of record %d", i).isEqualTo(sample.headers());
            i++;
        }
        assertThat(i).isEqualTo(samples.size());
    }

    private static void assertOurRecordsMatch(List<Record> records, List<Sample> samples, Long logAppendTime) {
        assertThat(records).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Record record = records.get(i);
            Sample sample = samples.get(i);
            assertThat(record.offset()).isEqualTo(records.get(0).offset() + i);
            assertThat(record.timestamp()).isEqualTo(logAppendTime == null ? sample.timestamp() : logAppendTime);
            assertThat(record.keyBytes()).isEqualTo(sample.key());
            assertThat(record.valueBytes()).isEqualTo(sample.value());
            assertThat(record.headers()).as("headers of record %d", i).isEqualTo(sample.headers());
        }
    }

    private static org.apache.kafka.common.header.Header[] kafkaHeaders(List<Header> headers) {
        return headers.stream().map(h -> new RecordHeader(h.key(), h.value()))
                .toArray(org.apache.kafka.common.header.Header[]::new);
    }

    private static Compression kafkaCompression(CompressionType type) {
        return Compression.of(org.apache.kafka.common.record.CompressionType.forId(type.id())).build();
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        return buffer == null ? null : Utils.toArray(buffer);
    }
}

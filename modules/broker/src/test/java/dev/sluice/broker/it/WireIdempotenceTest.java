package dev.sluice.broker.it;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotent produce at the wire level: batches built with {@link dev.sluice.api.record.RecordBatchBuilder}
 * carrying a producer id and epoch from InitProducerId, sent as raw Produce requests.
 * (Deduplication after an unclean restart is proved by {@link KillNineTest}.)
 */
class WireIdempotenceTest {
    private static final String TOPIC = "idem";
    private static final short ACKS_ALL = -1;

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient client;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        client = new WireClient(broker.bootstrap());
        Struct created = client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 1));
        assertThat(error(created.getArray("Topics").get(0))).isEqualTo(Errors.NONE);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        broker.close();
    }

    @Test
    void aRetriedBatchGetsItsOriginalOffsetAndIsNotAppendedAgain() throws IOException {
        Producer p = initProducer();
        assertThat(produce(p.id, p.epoch, 0, 5)).isEqualTo(appended(0));
        assertThat(produce(p.id, p.epoch, 5, 3)).isEqualTo(appended(5));
        // retries of the last batch and of an earlier one
        assertThat(produce(p.id, p.epoch, 5, 3)).isEqualTo(appended(5));
        assertThat(produce(p.id, p.epoch, 0, 5)).isEqualTo(appended(0));
        assertThat(produce(p.id, p.epoch, 8, 2)).isEqualTo(appended(8));

        assertThat(logBatches()).extracting(b -> b.baseOffset + ":" + b.baseSequence + ":" + b.count)
                .containsExactly("0:0:5", "5:5:3", "8:8:2");
        assertThat(highWatermark()).isEqualTo(10L);
    }

    @Test
    void aSequenceGapIsRefusedAsOutOfOrder() throws IOException {
        Producer p = initProducer();
        assertThat(produce(p.id, p.epoch, 0, 5)).isEqualTo(appended(0));
        assertThat(produce(p.id, p.epoch, 7, 1).error).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(produce(p.id, p.epoch, 4, 2).error).as("overlapping, not a retry").isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        // a new producer must start at sequence 0
        Producer fresh = initProducer();
        assertThat(fresh.id).isNotEqualTo(p.id);
        assertThat(produce(fresh.id, fresh.epoch, 3, 1).error).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(highWatermark()).isEqualTo(5L);
        // the producer goes on where it was
        assertThat(produce(p.id, p.epoch, 5, 1)).isEqualTo(appended(5));
    }

    @Test
    void anOlderEpochIsFenced() throws IOException {
        Producer p = initProducer();
        assertThat(produce(p.id, p.epoch, 0, 2)).isEqualTo(appended(0));
        // KIP-360: presenting the current id and epoch bumps the epoch
        Struct bumped = client.call(ApiKey.INIT_PRODUCER_ID, WireClient.INIT_PRODUCER_ID_V, WireClient.initProducerId(p.id, p.epoch));
        assertThat(error(bumped)).isEqualTo(Errors.NONE);
        assertThat(bumped.getLong("ProducerId")).isEqualTo(p.id);
        short newEpoch = bumped.getShort("ProducerEpoch");
        assertThat(newEpoch).isEqualTo((short) (p.epoch + 1));

        assertThat(produce(p.id, newEpoch, 0, 1)).isEqualTo(appended(2));
        assertThat(produce(p.id, p.epoch, 2, 1).error).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(produce(p.id, p.epoch, 0, 2).error).as("even a retry of an old batch").isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(highWatermark()).isEqualTo(3L);
    }

    @Test
    void producerStateSurvivesACleanRestart() throws IOException {
        Producer p = initProducer();
        assertThat(produce(p.id, p.epoch, 0, 4)).isEqualTo(appended(0));
        assertThat(produce(p.id, p.epoch, 4, 4)).isEqualTo(appended(4));

        client.close();
        broker = broker.restart();
        client = new WireClient(broker.bootstrap());

        assertThat(produce(p.id, p.epoch, 4, 4)).as("retry after restart").isEqualTo(appended(4));
        assertThat(produce(p.id, p.epoch, 9, 1).error).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(produce(p.id, p.epoch, 8, 1)).isEqualTo(appended(8));
        assertThat(highWatermark()).isEqualTo(9L);
        // ids are not reused after a restart
        assertThat(initProducer().id).isNotEqualTo(p.id);
    }

    // ---- helpers

    record Producer(long id, short epoch) {
    }

    record Answer(Errors error, long baseOffset) {
    }

    private static Answer appended(long offset) {
        return new Answer(Errors.NONE, offset);
    }

    private Producer initProducer() throws IOException {
        Struct response = client.call(ApiKey.INIT_PRODUCER_ID, WireClient.INIT_PRODUCER_ID_V, WireClient.initProducerId(-1, (short) -1));
        assertThat(error(response)).isEqualTo(Errors.NONE);
        return new Producer(response.getLong("ProducerId"), response.getShort("ProducerEpoch"));
    }

    private Answer produce(long producerId, short epoch, int baseSequence, int count) throws IOException {
        ByteBuffer batch = WireClient.idempotentBatch(producerId, epoch, baseSequence, count);
        Struct response = client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V, WireClient.produce(TOPIC, 0, ACKS_ALL, batch));
        Struct partition = WireClient.producePartition(response);
        return new Answer(error(partition), partition.getLong("BaseOffset"));
    }

    private long highWatermark() throws IOException {
        Struct partition = WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, WireClient.fetch(TOPIC, 0, 0, 1 << 20)));
        assertThat(error(partition)).isEqualTo(Errors.NONE);
        return partition.getLong("HighWatermark");
    }

    record BatchInfo(long baseOffset, int baseSequence, int count) {
    }

    /** Every batch in the partition's log, read with one Fetch. */
    private List<BatchInfo> logBatches() throws IOException {
        Struct partition = WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, WireClient.fetch(TOPIC, 0, 0, 1 << 20)));
        assertThat(error(partition)).isEqualTo(Errors.NONE);
        ByteBuffer records = partition.getRecordsBuffer("Records");
        List<BatchInfo> batches = new ArrayList<>();
        RecordBatch batch = new RecordBatch();
        for (int position = records.position(); position < records.limit(); position += batch.sizeInBytes()) {
            batch.wrap(records, position);
            batch.validate(records.limit() - position);
            batches.add(new BatchInfo(batch.baseOffset(), batch.baseSequence(), batch.recordCount()));
        }
        return batches;
    }
}

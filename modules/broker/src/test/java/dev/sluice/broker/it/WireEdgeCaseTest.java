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
import java.util.Map;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Well-formed requests with nonsensical values, found by {@link BrokerFuzzTest}: they are answered
 * with per-partition errors, as Kafka does, instead of failing the handler and dropping the connection.
 */
class WireEdgeCaseTest {
    private static final String TOPIC = "edges";

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient client;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of());
        client = new WireClient(broker.bootstrap());
        assertThat(error(client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 1))
                .getArray("Topics").get(0))).isEqualTo(Errors.NONE);
        Struct produced = WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                WireClient.produce(TOPIC, 0, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 3))));
        assertThat(error(produced)).isEqualTo(Errors.NONE);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        broker.close();
    }

    @Test
    void negativePartitionIndexesAreUnknownPartitions() throws IOException {
        Struct fetch = WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, withPartition(
                WireClient.fetch(TOPIC, 0, 0, 1 << 20), -7)));
        assertThat(error(fetch)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(fetch.getInt("PartitionIndex")).isEqualTo(-7);

        Struct produce = WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                WireClient.produce(TOPIC, -1, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1))));
        assertThat(error(produce)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

        Struct listOffsets = ApiKey.LIST_OFFSETS.newRequest().set("ReplicaId", -1).set("IsolationLevel", (byte) 0);
        listOffsets.addStruct("Topics").set("Name", TOPIC).addStruct("Partitions").set("PartitionIndex", Integer.MIN_VALUE)
                .set("CurrentLeaderEpoch", -1).set("Timestamp", -1L);
        Struct offsets = client.call(ApiKey.LIST_OFFSETS, (short) 7, listOffsets).getArray("Topics").get(0)
                .getArray("Partitions").get(0);
        assertThat(error(offsets)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        // the same connection goes on working
        assertThat(error(client.call(ApiKey.API_VERSIONS, WireClient.API_VERSIONS_V, WireClient.apiVersions()))).isEqualTo(Errors.NONE);
    }

    @Test
    void aNegativePartitionMaxBytesReadsAtMostTheFirstBatch() throws IOException {
        Struct request = WireClient.fetch(TOPIC, 0, 0, 1 << 20);
        request.getArray("Topics").get(0).getArray("Partitions").get(0).set("PartitionMaxBytes", -2_000_000_000);
        Struct fetch = WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, request));
        assertThat(error(fetch)).isEqualTo(Errors.NONE);
        assertThat(fetch.getLong("HighWatermark")).isEqualTo(3L);
    }

    @Test
    void aBatchWithACodecIdNoInstalledPluginProvidesIsRefused() throws IOException {
        ByteBuffer batch = WireClient.idempotentBatch(-1, (short) -1, -1, 1);
        // codec id 6 in the attributes (Kafka defines 0-4; 5-7 only exist as plugins), then a valid CRC again
        batch.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 6);
        new RecordBatch(batch, 0).writeCrc();
        Struct produce = WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                WireClient.produce(TOPIC, 0, (short) 1, batch)));
        assertThat(error(produce)).isEqualTo(Errors.UNSUPPORTED_COMPRESSION_TYPE);
        assertThat(produce.getString("ErrorMessage")).contains("codec id 6");
    }

    @Test
    void aBatchWithABadCrcIsCorruptAndNothingIsAppended() throws IOException {
        ByteBuffer batch = WireClient.idempotentBatch(-1, (short) -1, -1, 2);
        batch.put(batch.limit() - 1, (byte) (batch.get(batch.limit() - 1) ^ 0x55)); // a record byte: CRC no longer matches
        Struct produce = WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                WireClient.produce(TOPIC, 0, (short) 1, batch)));
        assertThat(error(produce)).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(produce.getString("ErrorMessage")).contains("CRC");
        Struct fetch = WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, WireClient.fetch(TOPIC, 0, 0, 1 << 20)));
        assertThat(fetch.getLong("HighWatermark")).isEqualTo(3L); // only the three records of the setup
    }

    @Test
    void offsetForLeaderEpochAnswersFromTheEpochHistory() throws IOException {
        Struct request = ApiKey.OFFSET_FOR_LEADER_EPOCH.newRequest().set("ReplicaId", -1);
        Struct topic = request.addStruct("Topics").set("Topic", TOPIC);
        topic.addStruct("Partitions").set("Partition", 0).set("CurrentLeaderEpoch", -1).set("LeaderEpoch", 0);
        topic.addStruct("Partitions").set("Partition", 0).set("CurrentLeaderEpoch", 5).set("LeaderEpoch", 0);
        topic.addStruct("Partitions").set("Partition", 9).set("CurrentLeaderEpoch", -1).set("LeaderEpoch", 0);
        var partitions = client.call(ApiKey.OFFSET_FOR_LEADER_EPOCH, (short) 4, request).getArray("Topics").get(0)
                .getArray("Partitions");
        assertThat(error(partitions.get(0))).isEqualTo(Errors.NONE);
        assertThat(partitions.get(0).getInt("LeaderEpoch")).isZero();
        assertThat(partitions.get(0).getLong("EndOffset")).isEqualTo(3L); // three records written in epoch 0
        assertThat(error(partitions.get(1))).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(error(partitions.get(2))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    private static Struct withPartition(Struct fetch, int partition) {
        fetch.getArray("Topics").get(0).getArray("Partitions").get(0).set("Partition", partition);
        return fetch;
    }
}

package dev.sluice.broker.it;

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
import java.util.List;
import java.util.Map;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * #19: Produce requests of a shape Kafka refuses: several batches for one partition in a v3+
 * request (INVALID_RECORD, as Kafka's ProduceRequest.validateRecords), the same partition twice
 * (INVALID_REQUEST for each entry). Nothing is appended for them, and the connection goes on.
 */
class ProduceRequestShapeTest {
    private static final String TOPIC = "shapes";

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient client;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of());
        client = new WireClient(broker.bootstrap());
        assertThat(error(client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 2))
                .getArray("Topics").get(0))).isEqualTo(Errors.NONE);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        broker.close();
    }

    private long logEnd(int partition) throws IOException {
        return WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V,
                WireClient.fetch(TOPIC, partition, 0, 1 << 20))).getLong("HighWatermark");
    }

    @Test
    void severalBatchesForOnePartitionAreAnInvalidRecord() throws IOException {
        ByteBuffer one = WireClient.idempotentBatch(-1, (short) -1, -1, 2);
        ByteBuffer two = ByteBuffer.allocate(one.remaining() * 2);
        two.put(one.duplicate()).put(one.duplicate()).flip();
        Struct answer = WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                WireClient.produce(TOPIC, 0, (short) 1, two)));
        assertThat(error(answer)).isEqualTo(Errors.INVALID_RECORD);
        assertThat(logEnd(0)).isZero();
        assertThat(error(WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                WireClient.produce(TOPIC, 0, (short) 1, one))))).isEqualTo(Errors.NONE);
    }

    @Test
    void aPartitionNamedTwiceIsRefusedAndTheOthersAreServed() throws IOException {
        Struct request = WireClient.produce(TOPIC, 0, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1));
        Struct topicData = request.getArray("TopicData").get(0);
        topicData.addStruct("PartitionData").set("Index", 1).set("Records", WireClient.idempotentBatch(-1, (short) -1, -1, 1));
        // the same topic again in a second entry, naming partition 0 a second time
        request.addStruct("TopicData").set("Name", TOPIC).addStruct("PartitionData").set("Index", 0)
                .set("Records", WireClient.idempotentBatch(-1, (short) -1, -1, 1));
        List<Struct> topics = client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V, request).getArray("Responses");
        assertThat(topics).hasSize(2);
        List<Struct> first = topics.get(0).getArray("PartitionResponses");
        assertThat(error(first.get(0))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(first.get(1))).isEqualTo(Errors.NONE);
        assertThat(error(topics.get(1).getArray("PartitionResponses").get(0))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(logEnd(0)).isZero();
        assertThat(logEnd(1)).isEqualTo(1);
    }
}

package dev.sluice.broker.it;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions at the partition, with real kafka-clients reading: transactional batches produced
 * raw with producer ids from InitProducerId, commit and abort markers written with hand-built
 * WriteTxnMarkers requests and with {@code Admin.abortTransaction} (what {@code kafka-transactions.sh
 * abort} sends); a read_committed KafkaConsumer sees only committed records, stops at the last
 * stable offset and is told of the aborted ones, a read_uncommitted one sees every data record,
 * and neither sees a marker. {@code Admin.describeProducers} shows the open transactions.
 */
class TransactionMarkersWireTest {
    private static final String TOPIC = "txn";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final short WRITE_TXN_MARKERS_V = 1;

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient client;
    Admin admin;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        client = new WireClient(broker.bootstrap());
        Struct created = client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 1));
        assertThat(error(created.getArray("Topics").get(0))).isEqualTo(Errors.NONE);
        admin = KafkaClients.admin(broker.bootstrap());
    }

    @AfterEach
    void stop() throws IOException {
        admin.close();
        client.close();
        broker.close();
    }

    private long[] initProducer() throws IOException {
        Struct answer = client.call(ApiKey.INIT_PRODUCER_ID, WireClient.INIT_PRODUCER_ID_V, WireClient.initProducerId(-1, (short) -1));
        assertThat(error(answer)).isEqualTo(Errors.NONE);
        return new long[] {answer.getLong("ProducerId"), answer.getShort("ProducerEpoch")};
    }

    private long produce(long producerId, short epoch, int baseSequence, boolean transactional, String... values)
            throws IOException {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, epoch, baseSequence)
                .transactional(transactional);
        for (String value : values) {
            builder.append(System.currentTimeMillis(), null, value.getBytes(StandardCharsets.UTF_8));
        }
        Struct request = WireClient.produce(TOPIC, 0, (short) -1, builder.build());
        if (transactional) {
            request.set("TransactionalId", "wire-txn-" + producerId);
        }
        Struct partition = WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V, request));
        assertThat(error(partition)).isEqualTo(Errors.NONE);
        return partition.getLong("BaseOffset");
    }

    private Errors writeMarker(long producerId, short epoch, int coordinatorEpoch, boolean commit) throws IOException {
        Struct request = ApiKey.WRITE_TXN_MARKERS.newRequest();
        Struct marker = request.addStruct("Markers").set("ProducerId", producerId).set("ProducerEpoch", epoch)
                .set("TransactionResult", commit).set("CoordinatorEpoch", coordinatorEpoch);
        marker.addStruct("Topics").set("Name", TOPIC).set("PartitionIndexes", List.of(0));
        Struct answer = client.call(ApiKey.WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_V, request);
        Struct result = answer.getArray("Markers").get(0);
        assertThat(result.getLong("ProducerId")).isEqualTo(producerId);
        return error(result.getArray("Topics").get(0).getArray("Partitions").get(0));
    }

    private List<String> readAll(String isolation, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, expected);
            records.addAll(consumer.poll(Duration.ofMillis(300)).records(TP)); // nothing more may come
            return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        }
    }

    private long endOffset(String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            return consumer.endOffsets(List.of(TP)).get(TP);
        }
    }

    private Map<Long, ProducerState> producers() throws Exception {
        return admin.describeProducers(List.of(TP)).partitionResult(TP).get().activeProducers().stream()
                .collect(java.util.stream.Collectors.toMap(ProducerState::producerId, p -> p));
    }

    @Test
    void readCommittedConsumersSeeOnlyCommittedRecordsAndStopAtTheLastStableOffset() throws Exception {
        long[] committer = initProducer();
        long[] aborter = initProducer();
        assertThat(produce(committer[0], (short) committer[1], 0, true, "c0", "c1", "c2")).isEqualTo(0);
        assertThat(produce(aborter[0], (short) aborter[1], 0, true, "a0", "a1")).isEqualTo(3);
        assertThat(produce(-1, (short) -1, -1, false, "p0")).isEqualTo(5);

        // both transactions open: read_committed ends at the first one's start
        assertThat(endOffset("read_committed")).isZero();
        assertThat(endOffset("read_uncommitted")).isEqualTo(6);
        assertThat(readAll("read_committed", 0)).isEmpty();
        Map<Long, ProducerState> open = producers();
        assertThat(open.get(committer[0]).currentTransactionStartOffset()).isEqualTo(OptionalLong.of(0));
        assertThat(open.get(aborter[0]).currentTransactionStartOffset()).isEqualTo(OptionalLong.of(3));
        assertThat(open.get(aborter[0]).producerEpoch()).isEqualTo((int) aborter[1]);
        assertThat(open.get(aborter[0]).lastSequence()).isEqualTo(1);

        assertThat(writeMarker(committer[0], (short) committer[1], 5, true)).isEqualTo(Errors.NONE); // offset 6
        assertThat(endOffset("read_committed")).isEqualTo(3);
        assertThat(readAll("read_committed", 3)).containsExactly("c0", "c1", "c2");

        // kafka-transactions.sh abort: Admin.abortTransaction sends WriteTxnMarkers to the leader
        admin.abortTransaction(new AbortTransactionSpec(TP, aborter[0], (short) aborter[1], 0)).all().get(); // offset 7

        assertThat(endOffset("read_committed")).isEqualTo(8);
        assertThat(readAll("read_committed", 4)).containsExactly("c0", "c1", "c2", "p0");
        assertThat(readAll("read_uncommitted", 6)).containsExactly("c0", "c1", "c2", "a0", "a1", "p0");
        Map<Long, ProducerState> closed = producers();
        assertThat(closed.get(committer[0]).currentTransactionStartOffset()).isEmpty();
        assertThat(closed.get(committer[0]).coordinatorEpoch()).isEqualTo(OptionalInt(5));
        assertThat(closed.get(aborter[0]).currentTransactionStartOffset()).isEmpty();
    }

    private static java.util.OptionalInt OptionalInt(int value) {
        return java.util.OptionalInt.of(value);
    }

    @Test
    void markersFollowKafkasFencingAndNeedALeader() throws IOException {
        long[] p = initProducer();
        produce(p[0], (short) p[1], 0, true, "x");
        assertThat(writeMarker(p[0], (short) p[1], 3, false)).isEqualTo(Errors.NONE);
        assertThat(writeMarker(p[0], (short) p[1], 2, true)).isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThat(writeMarker(p[0], (short) (p[1] - 1), 3, true)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);

        Struct request = ApiKey.WRITE_TXN_MARKERS.newRequest();
        Struct marker = request.addStruct("Markers").set("ProducerId", p[0]).set("ProducerEpoch", (short) p[1])
                .set("TransactionResult", true).set("CoordinatorEpoch", 3);
        marker.addStruct("Topics").set("Name", "missing").set("PartitionIndexes", List.of(0, -1));
        Struct answer = client.call(ApiKey.WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_V, request);
        assertThat(answer.getArray("Markers").get(0).getArray("Topics").get(0).getArray("Partitions"))
                .extracting(WireClient::error).containsExactly(Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION);

        // a client may not write a control batch itself
        ByteBuffer forged = dev.sluice.api.record.EndTxnMarker.batch(p[0], (short) p[1], 3, true, System.currentTimeMillis());
        Struct produced = WireClient.producePartition(client.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                WireClient.produce(TOPIC, 0, (short) -1, forged)));
        assertThat(error(produced)).isEqualTo(Errors.INVALID_RECORD);
    }
}

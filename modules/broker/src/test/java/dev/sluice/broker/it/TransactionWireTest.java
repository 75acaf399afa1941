package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction coordinator's APIs at the wire: FindCoordinator key type 1 in the single-key
 * (v1-3) and batched (v4+) forms, AddPartitionsToTxn's client form (v3) and the brokers' batched
 * form (v4+) with VerifyOnly, and the versions ApiVersions claims (EndTxn up to v4: transactions v1).
 */
class TransactionWireTest {
    private static final String TOPIC = "wire-txn";

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient client;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of("transaction.state.log.num.partitions", "2"));
        client = new WireClient(broker.bootstrap());
        assertThat(error(client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 2))
                .getArray("Topics").get(0))).isEqualTo(Errors.NONE);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        broker.close();
    }

    private Struct findCoordinators(short version, String... keys) throws IOException {
        Struct request = ApiKey.FIND_COORDINATOR.newRequest().set("KeyType", (byte) 1);
        if (version >= 4) {
            request.set("CoordinatorKeys", List.of(keys));
        } else {
            request.set("Key", keys[0]);
        }
        return client.call(ApiKey.FIND_COORDINATOR, version, request);
    }

    /** InitProducerId for {@code id}, retried while the coordinator loads; returns {producerId, epoch}. */
    private long[] init(String id) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            Struct response = client.call(ApiKey.INIT_PRODUCER_ID, (short) 4, ApiKey.INIT_PRODUCER_ID.newRequest()
                    .set("TransactionalId", id).set("TransactionTimeoutMs", 60_000).set("ProducerId", -1L)
                    .set("ProducerEpoch", (short) -1));
            Errors error = error(response);
            if (error == Errors.NONE) {
                return new long[]{response.getLong("ProducerId"), response.getShort("ProducerEpoch")};
            }
            assertThat(error).isIn(Errors.COORDINATOR_LOAD_IN_PROGRESS, Errors.CONCURRENT_TRANSACTIONS);
            Thread.sleep(50);
        }
        throw new AssertionError("InitProducerId never succeeded");
    }

    @Test
    void findCoordinatorAnswersTransactionalIdsInBothForms() throws Exception {
        Struct single = findCoordinators((short) 3, "app-a");
        assertThat(error(single)).isEqualTo(Errors.NONE);
        assertThat(single.getInt("NodeId")).isEqualTo(broker.nodeId());
        assertThat(single.getInt("Port")).isEqualTo(Integer.parseInt(broker.bootstrap().split(":")[1]));

        Struct batched = findCoordinators((short) 6, "app-a", "app-b", "");
        List<Struct> coordinators = batched.getArray("Coordinators");
        assertThat(coordinators).extracting(c -> c.getString("Key")).containsExactly("app-a", "app-b", "");
        assertThat(coordinators).extracting(c -> Errors.forCode(c.getShort("ErrorCode")))
                .containsExactly(Errors.NONE, Errors.NONE, Errors.INVALID_REQUEST);
    }

    @Test
    void addPartitionsToTxnInTheClientAndBatchedFormsWithVerifyOnly() throws Exception {
        findCoordinators((short) 4, "app-a", "app-b");
        long[] a = init("app-a");
        long[] b = init("app-b");

        Struct v3 = ApiKey.ADD_PARTITIONS_TO_TXN.newRequest().set("V3AndBelowTransactionalId", "app-a")
                .set("V3AndBelowProducerId", a[0]).set("V3AndBelowProducerEpoch", (short) a[1]);
        v3.addStruct("V3AndBelowTopics").set("Name", TOPIC).set("Partitions", List.of(0));
        v3.addStruct("V3AndBelowTopics").set("Name", "no-such-topic").set("Partitions", List.of(0));
        Map<String, Errors> refused = partitionErrors(client.call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 3, v3)
                .getArray("ResultsByTopicV3AndBelow"));
        assertThat(refused).containsEntry(TOPIC + "-0", Errors.OPERATION_NOT_ATTEMPTED)
                .containsEntry("no-such-topic-0", Errors.UNKNOWN_TOPIC_OR_PARTITION);

        v3.getArray("V3AndBelowTopics").remove(1);
        assertThat(partitionErrors(client.call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 3, v3)
                .getArray("ResultsByTopicV3AndBelow"))).containsExactly(Map.entry(TOPIC + "-0", Errors.NONE));

        Struct v4 = ApiKey.ADD_PARTITIONS_TO_TXN.newRequest();
        Struct verify = v4.addStruct("Transactions").set("TransactionalId", "app-a").set("ProducerId", a[0])
                .set("ProducerEpoch", (short) a[1]).set("VerifyOnly", true);
        verify.addStruct("Topics").set("Name", TOPIC).set("Partitions", List.of(0, 1));
        Struct add = v4.addStruct("Transactions").set("TransactionalId", "app-b").set("ProducerId", b[0])
                .set("ProducerEpoch", (short) b[1]).set("VerifyOnly", false);
        add.addStruct("Topics").set("Name", TOPIC).set("Partitions", List.of(1));
        Struct response = client.call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 5, v4);

        assertThat(error(response)).isEqualTo(Errors.NONE);
        Map<String, Struct> byId = new HashMap<>();
        response.getArray("ResultsByTransaction").forEach(r -> byId.put(r.getString("TransactionalId"), r));
        assertThat(partitionErrors(byId.get("app-a").getArray("TopicResults")))
                .containsEntry(TOPIC + "-0", Errors.NONE).containsEntry(TOPIC + "-1", Errors.INVALID_TXN_STATE);
        assertThat(partitionErrors(byId.get("app-b").getArray("TopicResults"))).containsEntry(TOPIC + "-1", Errors.NONE);
        assertThat(broker.broker().transactionCoordinator().state("app-b").partitions())
                .containsExactly(new dev.sluice.api.storage.TopicPartition(TOPIC, 1));
    }

    @Test
    void apiVersionsClaimsTheTransactionApisWithEndTxnUpToV4() throws Exception {
        Struct versions = client.call(ApiKey.API_VERSIONS, WireClient.API_VERSIONS_V, WireClient.apiVersions());
        Map<Short, short[]> claimed = new HashMap<>();
        versions.getArray("ApiKeys").forEach(k -> claimed.put(k.getShort("ApiKey"),
                new short[]{k.getShort("MinVersion"), k.getShort("MaxVersion")}));
        assertThat(claimed.get(ApiKey.END_TXN.id())).containsExactly(0, 4);
        assertThat(claimed.get(ApiKey.ADD_PARTITIONS_TO_TXN.id())).containsExactly(0, 5);
        assertThat(claimed.get(ApiKey.ADD_OFFSETS_TO_TXN.id())).containsExactly(0, 4);
        assertThat(claimed.get(ApiKey.TXN_OFFSET_COMMIT.id())).containsExactly(0, 5);
        assertThat(claimed.get(ApiKey.LIST_TRANSACTIONS.id())).containsExactly(0, 2);
        assertThat(claimed.get(ApiKey.DESCRIBE_TRANSACTIONS.id())).containsExactly(0, 0);
    }

    private static Map<String, Errors> partitionErrors(List<Struct> topics) {
        Map<String, Errors> errors = new HashMap<>();
        for (Struct topic : topics) {
            for (Struct p : topic.getArray("ResultsByPartition")) {
                errors.put(topic.getString("Name") + "-" + p.getInt("PartitionIndex"),
                        Errors.forCode(p.getShort("PartitionErrorCode")));
            }
        }
        return errors;
    }
}

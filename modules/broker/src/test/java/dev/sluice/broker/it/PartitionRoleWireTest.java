package dev.sluice.broker.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition this broker follows, over the wire: Produce (v10+) and Fetch (v12+) answer
 * NOT_LEADER_OR_FOLLOWER with the CurrentLeader hint (leader id and epoch), and the connection
 * keeps working.
 */
class PartitionRoleWireTest {
    private static final String TOPIC = "roles";

    @TempDir
    Path dir;
    TestBroker broker;
    WireClient client;
    Partition partition;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.start(dir, Map.of());
        client = new WireClient(broker.bootstrap());
        assertThat(error(client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 1))
                .getArray("Topics").get(0))).isEqualTo(Errors.NONE);
        partition = broker.broker().partitions().partition(new TopicPartition(TOPIC, 0)).orElseThrow();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        broker.close();
    }

    @Test
    void produceAndFetchOnAFollowedPartitionNameTheLeader() throws IOException {
        partition.becomeFollower(2, 7);

        Struct produced = WireClient.producePartition(client.call(ApiKey.PRODUCE, (short) 10,
                WireClient.produce(TOPIC, 0, (short) 1, WireClient.idempotentBatch(-1, (short) -1, -1, 1))));
        assertThat(error(produced)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(produced.getStruct("CurrentLeader").getInt("LeaderId")).isEqualTo(2);
        assertThat(produced.getStruct("CurrentLeader").getInt("LeaderEpoch")).isEqualTo(7);

        Struct fetched = WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V,
                WireClient.fetch(TOPIC, 0, 0, 1 << 20)));
        assertThat(error(fetched)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(fetched.getStruct("CurrentLeader").getInt("LeaderId")).isEqualTo(2);
        assertThat(fetched.getStruct("CurrentLeader").getInt("LeaderEpoch")).isEqualTo(7);

        // leading again (a newer epoch): the same connection produces, and a stale epoch is fenced
        partition.becomeLeader(8, java.util.Set.of(), java.util.Set.of());
        assertThat(error(WireClient.producePartition(client.call(ApiKey.PRODUCE, (short) 10,
                WireClient.produce(TOPIC, 0, (short) -1, WireClient.idempotentBatch(-1, (short) -1, -1, 1))))))
                .isEqualTo(Errors.NONE);
        Struct stale = WireClient.fetch(TOPIC, 0, 0, 1 << 20);
        stale.getArray("Topics").get(0).getArray("Partitions").get(0).set("CurrentLeaderEpoch", 7);
        assertThat(error(WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, stale))))
                .isEqualTo(Errors.FENCED_LEADER_EPOCH);
    }

    @Test
    void aFetchFromABrokerThatIsNotAReplicaIsRefused() throws IOException {
        Struct request = WireClient.fetch(TOPIC, 0, 0, 1 << 20).set("ReplicaId", 5);
        assertThat(error(WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, request))))
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        request.getArray("Topics").get(0).getArray("Partitions").get(0).set("CurrentLeaderEpoch", partition.leaderEpoch());
        assertThat(error(WireClient.fetchPartition(client.call(ApiKey.FETCH, WireClient.FETCH_V, request))))
                .isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
    }
}

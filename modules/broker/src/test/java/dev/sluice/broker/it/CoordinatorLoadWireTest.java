package dev.sluice.broker.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What clients see while a broker loads a partition of {@code __consumer_offsets} it was just made
 * leader of, over the wire: the broker's timers (its group loader included) run on a manual clock,
 * so the load happens only when the test lets it. Meanwhile JoinGroup, OffsetFetch and OffsetCommit
 * answer COORDINATOR_LOAD_IN_PROGRESS (clients retry), a Heartbeat NONE (as Kafka: members keep
 * their generation); after the load the group's commits are there. While another broker leads the
 * partition, the same requests answer NOT_COORDINATOR.
 */
class CoordinatorLoadWireTest {
    private static final String TOPIC = "data";
    private static final String GROUP = "g";

    @TempDir
    Path dir;

    @Test
    void aPartitionBeingLoadedAnswersLoadInProgressAndAfterwardsServesItsCommits() throws Exception {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        BrokerConfig config = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1",
                "offsets.topic.num.partitions", "3"));
        try (Broker broker = Broker.start(config, clock, name -> clock);
             WireClient client = new WireClient(broker.bootstrapServers())) {
            int self = broker.config().nodeId();
            assertThat(error(client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 1))
                    .getArray("Topics").get(0))).isEqualTo(Errors.NONE);
            assertThat(commitError(client)).isEqualTo(Errors.NONE);

            int partition = (GROUP.hashCode() & 0x7fffffff) % 3;
            TopicPartition offsets = new TopicPartition("__consumer_offsets", partition);
            UUID topicId = broker.partitions().topics().get(offsets.topic()).orElseThrow().id();
            int epoch = broker.partitions().partition(offsets).orElseThrow().leaderEpoch();

            // another broker leads the group's partition: not the coordinator
            assertThat(leaderAndIsr(client, topicId, partition, 2, epoch + 1, List.of(self, 2))).isEqualTo(Errors.NONE);
            clock.runDueTasks(); // the unload
            assertThat(error(client.call(ApiKey.HEARTBEAT, (short) 4, heartbeat()))).isEqualTo(Errors.NOT_COORDINATOR);
            assertThat(fetchError(client)).isEqualTo(Errors.NOT_COORDINATOR);

            // this broker leads it again: loading until the loader runs
            assertThat(leaderAndIsr(client, topicId, partition, self, epoch + 2, List.of(self, 2))).isEqualTo(Errors.NONE);
            assertThat(error(client.call(ApiKey.HEARTBEAT, (short) 4, heartbeat()))).isEqualTo(Errors.NONE);
            assertThat(error(client.call(ApiKey.JOIN_GROUP, (short) 9, join()))).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
            assertThat(fetchError(client)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
            assertThat(commitError(client)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
            Struct describe = ApiKey.DESCRIBE_GROUPS.newRequest().set("Groups", List.of(GROUP))
                    .set("IncludeAuthorizedOperations", false);
            assertThat(error(client.call(ApiKey.DESCRIBE_GROUPS, (short) 5, describe).getArray("Groups").get(0)))
                    .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);

            clock.runDueTasks(); // the load
            Struct fetched = client.call(ApiKey.OFFSET_FETCH, (short) 8, fetch()).getArray("Groups").get(0);
            assertThat(error(fetched)).isEqualTo(Errors.NONE);
            assertThat(fetched.getArray("Topics").get(0).getArray("Partitions").get(0).getLong("CommittedOffset"))
                    .isEqualTo(42L);
            assertThat(error(client.call(ApiKey.HEARTBEAT, (short) 4, heartbeat()))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private static Errors leaderAndIsr(WireClient client, UUID topicId, int partition, int leader, int leaderEpoch,
                                       List<Integer> replicas) throws Exception {
        Struct request = ApiKey.LEADER_AND_ISR.newRequest().set("ControllerId", 3).set("ControllerEpoch", 1)
                .set("BrokerEpoch", -1L).set("Type", (byte) 1);
        request.addStruct("TopicStates").set("TopicName", "__consumer_offsets").set("TopicId", topicId)
                .addStruct("PartitionStates").set("PartitionIndex", partition).set("ControllerEpoch", 1)
                .set("Leader", leader).set("LeaderEpoch", leaderEpoch).set("Isr", List.of(leader))
                .set("PartitionEpoch", leaderEpoch).set("Replicas", replicas);
        Struct response = client.call(ApiKey.LEADER_AND_ISR, ApiKey.LEADER_AND_ISR.latestVersion(), request);
        return Errors.forCode(response.getArray("Topics").get(0).getArray("PartitionErrors").get(0).getShort("ErrorCode"));
    }

    private static Struct heartbeat() {
        return ApiKey.HEARTBEAT.newRequest().set("GroupId", GROUP).set("GenerationId", 1).set("MemberId", "m")
                .set("GroupInstanceId", null);
    }

    private static Struct join() {
        Struct join = ApiKey.JOIN_GROUP.newRequest().set("GroupId", GROUP).set("SessionTimeoutMs", 10_000)
                .set("RebalanceTimeoutMs", 10_000).set("MemberId", "").set("ProtocolType", "consumer");
        join.addStruct("Protocols").set("Name", "range").set("Metadata", ByteBuffer.allocate(0));
        return join;
    }

    private static Struct fetch() {
        Struct fetch = ApiKey.OFFSET_FETCH.newRequest().set("RequireStable", false);
        fetch.addStruct("Groups").set("GroupId", GROUP).set("Topics", null);
        return fetch;
    }

    private static Errors fetchError(WireClient client) throws Exception {
        return error(client.call(ApiKey.OFFSET_FETCH, (short) 8, fetch()).getArray("Groups").get(0));
    }

    private static Errors commitError(WireClient client) throws Exception {
        Struct commit = ApiKey.OFFSET_COMMIT.newRequest().set("GroupId", GROUP).set("GenerationIdOrMemberEpoch", -1)
                .set("MemberId", "").set("GroupInstanceId", null);
        commit.addStruct("Topics").set("Name", TOPIC).addStruct("Partitions").set("PartitionIndex", 0)
                .set("CommittedOffset", 42L).set("CommittedLeaderEpoch", -1).set("CommittedMetadata", "");
        return error(client.call(ApiKey.OFFSET_COMMIT, (short) 9, commit).getArray("Topics").get(0)
                .getArray("Partitions").get(0));
    }
}

package dev.sluice.broker.it;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-made group requests: the coordinator answers bad input with Kafka's error codes. */
class GroupProtocolErrorsTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, GroupTestSupport.FAST_GROUPS);
        GroupTestSupport.createTopic(broker.bootstrap(), "known", 2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Struct join(String group, String memberId, String instanceId, String protocolType, int sessionTimeout) {
        Struct join = ApiKey.JOIN_GROUP.newRequest().set("GroupId", group).set("SessionTimeoutMs", sessionTimeout)
                .set("RebalanceTimeoutMs", 10_000).set("MemberId", memberId).set("GroupInstanceId", instanceId)
                .set("ProtocolType", protocolType);
        join.addStruct("Protocols").set("Name", "range").set("Metadata", ByteBuffer.wrap(new byte[]{1, 2, 3}));
        return join;
    }

    private static short error(Struct response) {
        return response.getShort("ErrorCode");
    }

    /** Joins as a dynamic member (KIP-394: first the id, then the join) and syncs; returns the join response. */
    private static Struct joinAndSync(RawClient client, String group) throws Exception {
        Struct first = client.call(ApiKey.JOIN_GROUP, 9, join(group, "", null, "consumer", 6000));
        assertThat(error(first)).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        String memberId = first.getString("MemberId");
        assertThat(memberId).startsWith("raw-client-");
        Struct joined = client.call(ApiKey.JOIN_GROUP, 9, join(group, memberId, null, "consumer", 6000));
        assertThat(error(joined)).isEqualTo(Errors.NONE.code());
        assertThat(joined.getString("Leader")).isEqualTo(memberId);
        assertThat(joined.getArray("Members")).hasSize(1);
        Struct sync = ApiKey.SYNC_GROUP.newRequest().set("GroupId", group).set("GenerationId", joined.getInt("GenerationId"))
                .set("MemberId", memberId).set("ProtocolType", "consumer").set("ProtocolName", "range");
        sync.addStruct("Assignments").set("MemberId", memberId).set("Assignment", ByteBuffer.wrap(new byte[]{9}));
        Struct synced = client.call(ApiKey.SYNC_GROUP, 5, sync);
        assertThat(error(synced)).isEqualTo(Errors.NONE.code());
        assertThat(synced.getBytes("Assignment").get(0)).isEqualTo((byte) 9);
        return joined;
    }

    private static Struct commit(String group, int generation, String memberId, String topic) {
        Struct commit = ApiKey.OFFSET_COMMIT.newRequest().set("GroupId", group).set("GenerationIdOrMemberEpoch", generation)
                .set("MemberId", memberId);
        commit.addStruct("Topics").set("Name", topic).addStruct("Partitions").set("PartitionIndex", 0)
                .set("CommittedOffset", 5L).set("CommittedMetadata", "");
        return commit;
    }

    private static short commitError(Struct response) {
        return response.getArray("Topics").get(0).getArray("Partitions").get(0).getShort("ErrorCode");
    }

    @Test
    void staleGenerationUnknownMemberAndUnknownTopicAreRefused() throws Exception {
        try (RawClient client = new RawClient(broker.bootstrap())) {
            Struct joined = joinAndSync(client, "errors-group");
            String memberId = joined.getString("MemberId");
            int generation = joined.getInt("GenerationId");

            assertThat(commitError(client.call(ApiKey.OFFSET_COMMIT, 9, commit("errors-group", generation, memberId, "known"))))
                    .isEqualTo(Errors.NONE.code());
            assertThat(commitError(client.call(ApiKey.OFFSET_COMMIT, 9, commit("errors-group", generation, memberId, "nope"))))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(commitError(client.call(ApiKey.OFFSET_COMMIT, 9, commit("errors-group", generation - 1, memberId, "known"))))
                    .isEqualTo(Errors.ILLEGAL_GENERATION.code());
            assertThat(commitError(client.call(ApiKey.OFFSET_COMMIT, 9, commit("errors-group", generation, "stranger", "known"))))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            // a client managing partitions itself (generation -1) may not commit for a group with members
            assertThat(commitError(client.call(ApiKey.OFFSET_COMMIT, 9, commit("errors-group", -1, "", "known"))))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

            Struct heartbeat = ApiKey.HEARTBEAT.newRequest().set("GroupId", "errors-group").set("GenerationId", generation);
            assertThat(error(client.call(ApiKey.HEARTBEAT, 4, heartbeat.set("MemberId", memberId)))).isEqualTo(Errors.NONE.code());
            assertThat(error(client.call(ApiKey.HEARTBEAT, 4, heartbeat.set("MemberId", "stranger"))))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            assertThat(error(client.call(ApiKey.HEARTBEAT, 4, heartbeat.set("MemberId", memberId).set("GenerationId", generation + 1))))
                    .isEqualTo(Errors.ILLEGAL_GENERATION.code());

            // another protocol type cannot join a consumer group; sessions must be within the broker's bounds
            assertThat(error(client.call(ApiKey.JOIN_GROUP, 9, join("errors-group", "", null, "connect", 6000))))
                    .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
            assertThat(error(client.call(ApiKey.JOIN_GROUP, 9, join("errors-group", "", null, "consumer", 10))))
                    .isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());

            Struct delete = ApiKey.DELETE_GROUPS.newRequest().set("GroupsNames", List.of("errors-group", "no-such-group"));
            List<Struct> results = client.call(ApiKey.DELETE_GROUPS, 2, delete).getArray("Results");
            assertThat(results.get(0).getShort("ErrorCode")).isEqualTo(Errors.NON_EMPTY_GROUP.code());
            assertThat(results.get(1).getShort("ErrorCode")).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

            Struct leave = ApiKey.LEAVE_GROUP.newRequest().set("GroupId", "errors-group");
            leave.addStruct("Members").set("MemberId", memberId);
            leave.addStruct("Members").set("MemberId", "stranger");
            List<Struct> left = client.call(ApiKey.LEAVE_GROUP, 5, leave).getArray("Members");
            assertThat(left.get(0).getShort("ErrorCode")).isEqualTo(Errors.NONE.code());
            assertThat(left.get(1).getShort("ErrorCode")).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        }
    }

    @Test
    void aReplacedStaticMemberIsFenced() throws Exception {
        try (RawClient client = new RawClient(broker.bootstrap())) {
            Struct first = client.call(ApiKey.JOIN_GROUP, 9, join("static-errors", "", "instance-1", "consumer", 6000));
            assertThat(error(first)).isEqualTo(Errors.NONE.code()); // static members need no MEMBER_ID_REQUIRED round
            String oldId = first.getString("MemberId");
            Struct second = client.call(ApiKey.JOIN_GROUP, 9, join("static-errors", "", "instance-1", "consumer", 6000));
            assertThat(error(second)).isEqualTo(Errors.NONE.code());
            assertThat(second.getString("MemberId")).isNotEqualTo(oldId);

            Struct heartbeat = ApiKey.HEARTBEAT.newRequest().set("GroupId", "static-errors")
                    .set("GenerationId", second.getInt("GenerationId")).set("MemberId", oldId).set("GroupInstanceId", "instance-1");
            assertThat(error(client.call(ApiKey.HEARTBEAT, 4, heartbeat))).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
            Struct commit = commit("static-errors", second.getInt("GenerationId"), oldId, "known").set("GroupInstanceId", "instance-1");
            assertThat(commitError(client.call(ApiKey.OFFSET_COMMIT, 9, commit))).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        }
    }

    @Test
    void coordinatorLookupDescribeOfUnknownGroupsAndTheInternalTopic() throws Exception {
        try (RawClient client = new RawClient(broker.bootstrap())) {
            Struct find = ApiKey.FIND_COORDINATOR.newRequest().set("KeyType", (byte) 0).set("CoordinatorKeys", List.of("g1", "g2"));
            List<Struct> coordinators = client.call(ApiKey.FIND_COORDINATOR, 4, find).getArray("Coordinators");
            assertThat(coordinators).hasSize(2).allSatisfy(c -> {
                assertThat(c.getShort("ErrorCode")).isEqualTo(Errors.NONE.code());
                assertThat(c.getInt("NodeId")).isEqualTo(broker.nodeId());
            });
            Struct old = client.call(ApiKey.FIND_COORDINATOR, 0, ApiKey.FIND_COORDINATOR.newRequest().set("Key", "g1"));
            assertThat(old.getInt("Port")).isEqualTo(Integer.parseInt(broker.bootstrap().split(":")[1]));

            Struct describe = ApiKey.DESCRIBE_GROUPS.newRequest().set("Groups", List.of("unknown-group"));
            Struct v5 = client.call(ApiKey.DESCRIBE_GROUPS, 5, describe).getArray("Groups").get(0);
            assertThat(v5.getString("GroupState")).isEqualTo("Dead");
            Struct v6 = client.call(ApiKey.DESCRIBE_GROUPS, 6, describe).getArray("Groups").get(0);
            assertThat(v6.getShort("ErrorCode")).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

            Struct offsetDelete = ApiKey.OFFSET_DELETE.newRequest().set("GroupId", "unknown-group");
            offsetDelete.addStruct("Topics").set("Name", "known").addStruct("Partitions").set("PartitionIndex", 0);
            assertThat(error(client.call(ApiKey.OFFSET_DELETE, 0, offsetDelete))).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

            ByteBuffer records = new RecordBatchBuilder(null).append(1L, null, new byte[]{1}).build();
            Struct produce = ApiKey.PRODUCE.newRequest().set("Acks", (short) 1).set("TimeoutMs", 5000);
            produce.addStruct("TopicData").set("Name", "__consumer_offsets").addStruct("PartitionData")
                    .set("Index", 0).set("Records", records);
            Struct produced = client.call(ApiKey.PRODUCE, 9, produce);
            assertThat(produced.getArray("Responses").get(0).getArray("PartitionResponses").get(0).getShort("ErrorCode"))
                    .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
    }
}

package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The old request versions older librdkafka releases speak, through a whole group cycle: JoinGroup
 * v0-v3 (v0 has no rebalance timeout and none of them the KIP-394 member-id round), SyncGroup v0,
 * Heartbeat v0, OffsetCommit v2 (with its own retention), OffsetFetch v1 (no group-level error),
 * LeaveGroup v0.
 */
class GroupOldVersionsTest {
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, GroupTestSupport.FAST_GROUPS);
        GroupTestSupport.createTopic(broker.bootstrap(), "old", 2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Struct join(String group, String memberId, byte[] metadata) {
        Struct join = ApiKey.JOIN_GROUP.newRequest().set("GroupId", group).set("SessionTimeoutMs", 6000)
                .set("RebalanceTimeoutMs", 10_000).set("MemberId", memberId).set("ProtocolType", "consumer");
        join.addStruct("Protocols").set("Name", "range").set("Metadata", ByteBuffer.wrap(metadata));
        return join;
    }

    private static Struct sync(String group, int generation, String memberId, String... assignees) {
        Struct sync = ApiKey.SYNC_GROUP.newRequest().set("GroupId", group).set("GenerationId", generation)
                .set("MemberId", memberId);
        for (String assignee : assignees) {
            sync.addStruct("Assignments").set("MemberId", assignee)
                    .set("Assignment", ByteBuffer.wrap(assignee.getBytes(StandardCharsets.UTF_8)));
        }
        return sync;
    }

    private static Struct heartbeat(String group, int generation, String memberId) {
        return ApiKey.HEARTBEAT.newRequest().set("GroupId", group).set("GenerationId", generation).set("MemberId", memberId);
    }

    private static String text(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
    }

    private static short error(Struct response) {
        return response.getShort("ErrorCode");
    }

    @ParameterizedTest(name = "JoinGroup v{0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void aSingleMemberJoinsSyncsCommitsAndFetchesAtOldVersions(int joinVersion) throws Exception {
        String group = "old-join-v" + joinVersion;
        try (RawClient client = new RawClient(broker.bootstrap())) {
            // no MEMBER_ID_REQUIRED round before v4: the first answer is the generation itself
            Struct joined = client.call(ApiKey.JOIN_GROUP, joinVersion, join(group, "", new byte[]{7}));
            assertThat(error(joined)).isEqualTo(Errors.NONE.code());
            String memberId = joined.getString("MemberId");
            assertThat(memberId).startsWith("raw-client-");
            assertThat(joined.getString("Leader")).isEqualTo(memberId);
            assertThat(joined.getString("ProtocolName")).isEqualTo("range");
            assertThat(joined.getArray("Members")).singleElement().satisfies(m -> {
                assertThat(m.getString("MemberId")).isEqualTo(memberId);
                assertThat(m.getBytes("Metadata").get(0)).isEqualTo((byte) 7);
            });
            int generation = joined.getInt("GenerationId");

            Struct synced = client.call(ApiKey.SYNC_GROUP, 0, sync(group, generation, memberId, memberId));
            assertThat(error(synced)).isEqualTo(Errors.NONE.code());
            assertThat(text(synced.getBytes("Assignment"))).isEqualTo(memberId);
            assertThat(error(client.call(ApiKey.HEARTBEAT, 0, heartbeat(group, generation, memberId))))
                    .isEqualTo(Errors.NONE.code());

            assertThat(commit(client, group, generation, memberId, 1, 42)).isEqualTo(Errors.NONE.code());
            assertThat(fetch(client, group, 1)).isEqualTo(new Fetched(42, "by " + memberId, Errors.NONE.code()));
            assertThat(fetch(client, group, 0)).as("nothing committed there").isEqualTo(new Fetched(-1, "", Errors.NONE.code()));

            Struct leave = ApiKey.LEAVE_GROUP.newRequest().set("GroupId", group).set("MemberId", memberId);
            assertThat(error(client.call(ApiKey.LEAVE_GROUP, 0, leave))).isEqualTo(Errors.NONE.code());
            assertThat(error(client.call(ApiKey.HEARTBEAT, 0, heartbeat(group, generation, memberId))))
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            // the offsets stay after the group empties
            assertThat(fetch(client, group, 1).offset()).isEqualTo(42);
        }
    }

    @Test
    void aV0MemberJoiningAV3GroupMakesItRebalanceAndBothGetTheLeadersAssignment() throws Exception {
        String group = "old-mixed";
        try (RawClient first = new RawClient(broker.bootstrap()); RawClient second = new RawClient(broker.bootstrap())) {
            Struct joined = first.call(ApiKey.JOIN_GROUP, 3, join(group, "", new byte[]{1}));
            String leader = joined.getString("MemberId");
            int generation1 = joined.getInt("GenerationId");
            assertThat(error(first.call(ApiKey.SYNC_GROUP, 0, sync(group, generation1, leader, leader))))
                    .isEqualTo(Errors.NONE.code());

            // the newcomer's JoinGroup v0 waits until the leader has rejoined
            CompletableFuture<Struct> newcomer = CompletableFuture.supplyAsync(() -> call(second, ApiKey.JOIN_GROUP, 0,
                    join(group, "", new byte[]{2})));
            Struct beat;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            do { // the heartbeat says "rebalance" once the newcomer's join has arrived
                beat = first.call(ApiKey.HEARTBEAT, 0, heartbeat(group, generation1, leader));
            } while (error(beat) == Errors.NONE.code() && !newcomer.isDone() && System.nanoTime() < deadline);
            assertThat(error(beat)).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());

            Struct rejoined = first.call(ApiKey.JOIN_GROUP, 3, join(group, leader, new byte[]{1}));
            Struct other = newcomer.get(20, TimeUnit.SECONDS);
            assertThat(error(rejoined)).isEqualTo(Errors.NONE.code());
            assertThat(error(other)).isEqualTo(Errors.NONE.code());
            int generation2 = rejoined.getInt("GenerationId");
            assertThat(generation2).isEqualTo(generation1 + 1).isEqualTo(other.getInt("GenerationId"));
            assertThat(rejoined.getString("Leader")).isEqualTo(leader).isEqualTo(other.getString("Leader"));
            String member = other.getString("MemberId");
            assertThat(rejoined.getArray("Members")).extracting(m -> m.getString("MemberId")).containsExactlyInAnyOrder(leader, member);
            assertThat(other.getArray("Members")).as("only the leader gets the members").isEmpty();

            Struct leaderSync = first.call(ApiKey.SYNC_GROUP, 0, sync(group, generation2, leader, leader, member));
            Struct memberSync = second.call(ApiKey.SYNC_GROUP, 0, sync(group, generation2, member));
            assertThat(text(leaderSync.getBytes("Assignment"))).isEqualTo(leader);
            assertThat(text(memberSync.getBytes("Assignment"))).isEqualTo(member);

            assertThat(commit(second, group, generation2, member, 0, 7)).isEqualTo(Errors.NONE.code());
            assertThat(commit(second, group, generation1, member, 0, 8)).isEqualTo(Errors.ILLEGAL_GENERATION.code());
            assertThat(fetch(first, group, 0)).isEqualTo(new Fetched(7, "by " + member, Errors.NONE.code()));
        }
    }

    private static Struct call(RawClient client, ApiKey api, int version, Struct body) {
        try {
            return client.call(api, version, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** OffsetCommit v2 of one offset of topic "old", with a retention of its own; returns the partition's error. */
    private static short commit(RawClient client, String group, int generation, String memberId, int partition, long offset)
            throws Exception {
        Struct commit = ApiKey.OFFSET_COMMIT.newRequest().set("GroupId", group).set("GenerationIdOrMemberEpoch", generation)
                .set("MemberId", memberId).set("RetentionTimeMs", -1L);
        commit.addStruct("Topics").set("Name", "old").addStruct("Partitions").set("PartitionIndex", partition)
                .set("CommittedOffset", offset).set("CommittedMetadata", "by " + memberId);
        return client.call(ApiKey.OFFSET_COMMIT, 2, commit).getArray("Topics").get(0).getArray("Partitions").get(0)
                .getShort("ErrorCode");
    }

    record Fetched(long offset, String metadata, short error) {
    }

    /** OffsetFetch v1 of one partition of topic "old". */
    private static Fetched fetch(RawClient client, String group, int partition) throws Exception {
        Struct fetch = ApiKey.OFFSET_FETCH.newRequest().set("GroupId", group);
        fetch.addStruct("Topics").set("Name", "old").set("PartitionIndexes", List.of(partition));
        Struct out = client.call(ApiKey.OFFSET_FETCH, 1, fetch).getArray("Topics").get(0).getArray("Partitions").get(0);
        return new Fetched(out.getLong("CommittedOffset"), out.getString("Metadata"), out.getShort("ErrorCode"));
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.broker.metadata.TopicState;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.replica.FetchParams;
import dev.sluice.broker.replica.FetchTarget;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ListOffsets and DeleteRecords on a leader (broker 0) with fake followers fetching through the
 * replica manager: OFFSET_NOT_AVAILABLE while a new leader's high watermark is below its epoch's
 * start, and DeleteRecords answered only once every live follower moved its log start. Time is a
 * manual clock.
 */
class LeaderOffsetRequestsTest {
    private static final TopicPartition TP = new TopicPartition("a", 0);
    private static final int F1 = 1;
    private static final int F2 = 2;
    private static final long BASE_TS = 1_700_000_000_000L;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(BASE_TS);
    private PartitionManager partitions;
    private ReplicaManager replicas;
    private BrokerState broker;
    private Partition partition;

    @BeforeEach
    void setUp() {
        partitions = PartitionManagers.open(dir, "file", clock);
        replicas = new ReplicaManager(0, partitions, clock);
        broker = new BrokerState(0, "cluster", "localhost", 0, null, partitions, replicas, null, clock,
                BrokerConfig.of(Map.of()));
        partitions.createTopic("a", 1, (short) 1, Map.of(), false);
        partition = partitions.partition(TP).orElseThrow();
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        partitions.close();
    }

    private void append(int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null);
        for (int i = 0; i < records; i++) {
            builder.append(BASE_TS + partition.logEndOffset() + i, null, new byte[1]);
        }
        partition.appendAsLeader(builder.build());
    }

    private void followerFetch(int replicaId, long offset, long logStart) {
        replicas.fetchMessages(new FetchParams(replicaId, 0, 0, Integer.MAX_VALUE),
                List.of(new FetchTarget(TP, offset, Integer.MAX_VALUE, -1, -1, logStart)), r -> { });
    }

    /** Runs {@code handler} on a request; returns the response's only partition entry, or null if not answered yet. */
    private static AtomicReference<Struct> call(ApiKey api, short version, Struct body, Consumer<RequestContext> handler) {
        Request request = new Request(new RequestHeader(api, version, 1, "test"), body);
        AtomicReference<Struct> response = new AtomicReference<>();
        handler.accept(new RequestContext() {
            @Override
            public Request request() {
                return request;
            }

            @Override
            public void respond(Struct answer) {
                response.set(answer.getArray("Topics").get(0).getArray("Partitions").get(0));
            }

            @Override
            public void respondNothing() {
                throw new AssertionError("no response");
            }

            @Override
            public void closeConnection(String reason) {
                throw new AssertionError("connection closed: " + reason);
            }
        });
        return response;
    }

    private Struct listOffsets(int replicaId, long timestamp) {
        return listOffsets("a", replicaId, timestamp);
    }

    private Struct listOffsets(String topic, int replicaId, long timestamp) {
        Struct body = ApiKey.LIST_OFFSETS.newRequest().set("ReplicaId", replicaId);
        body.addStruct("Topics").set("Name", topic).addStruct("Partitions").set("PartitionIndex", 0)
                .set("CurrentLeaderEpoch", -1).set("Timestamp", timestamp);
        return call(ApiKey.LIST_OFFSETS, (short) 7, body, new ListOffsetsHandler(broker)::handle).get();
    }

    private AtomicReference<Struct> deleteRecords(long offset, int timeoutMs) {
        Struct body = ApiKey.DELETE_RECORDS.newRequest().set("TimeoutMs", timeoutMs);
        body.addStruct("Topics").set("Name", "a").addStruct("Partitions").set("PartitionIndex", 0).set("Offset", offset);
        return call(ApiKey.DELETE_RECORDS, (short) 2, body, new PartitionAdminHandlers(broker)::deleteRecords);
    }

    private static Errors error(Struct partitionOut) {
        return Errors.forCode(partitionOut.getShort("ErrorCode"));
    }

    @Test
    void aPartitionTheClusterHasButThisBrokerDoesNotHostIsRetriableNotUnknown() {
        // e.g. told it leads "b"-0 by UpdateMetadata, its LeaderAndIsr not applied yet: clients retry after a refresh
        broker.metadata().publishLocal("b", new TopicState("b", UUID.randomUUID(),
                List.of(new PartitionState(0, 0, 1, List.of(0), List.of(0), List.of()))));
        assertThat(Errors.forCode(listOffsets("b", -1, -1L).getShort("ErrorCode"))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(Errors.forCode(listOffsets("nowhere", -1, -1L).getShort("ErrorCode")))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void aNewLeaderWhoseHighWatermarkLagsItsEpochStartAnswersOffsetNotAvailable() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        append(3); // the follower has not confirmed them: high watermark 0
        partition.becomeLeader(2, Set.of(F1), Set.of(F1)); // epoch 2 starts at 3
        assertThat(partition.highWatermark()).isZero();

        assertThat(error(listOffsets(-1, ListOffsetsHandler.LATEST))).isEqualTo(Errors.OFFSET_NOT_AVAILABLE);
        assertThat(error(listOffsets(-1, ListOffsetsHandler.MAX_TIMESTAMP))).isEqualTo(Errors.OFFSET_NOT_AVAILABLE);
        assertThat(error(listOffsets(-1, BASE_TS))).isEqualTo(Errors.OFFSET_NOT_AVAILABLE);
        Struct earliest = listOffsets(-1, ListOffsetsHandler.EARLIEST);
        assertThat(error(earliest)).isEqualTo(Errors.NONE);
        assertThat(earliest.getLong("Offset")).isZero();
        Struct replicaLatest = listOffsets(F1, ListOffsetsHandler.LATEST);
        assertThat(error(replicaLatest)).as("a replica is not refused").isEqualTo(Errors.NONE);
        assertThat(replicaLatest.getLong("Offset")).isEqualTo(3);

        followerFetch(F1, 3, 0); // the high watermark reaches the epoch start
        Struct latest = listOffsets(-1, ListOffsetsHandler.LATEST);
        assertThat(error(latest)).isEqualTo(Errors.NONE);
        assertThat(latest.getLong("Offset")).isEqualTo(3);
        Struct byTime = listOffsets(-1, BASE_TS + 1);
        assertThat(error(byTime)).isEqualTo(Errors.NONE);
        assertThat(byTime.getLong("Offset")).isEqualTo(1);
    }

    @Test
    void aClientSeesNoOffsetPastTheHighWatermarkOnceTheEpochStartIsCommitted() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        append(2);
        followerFetch(F1, 2, 0);
        append(2); // offsets 2-3 not yet on the follower
        assertThat(partition.highWatermark()).isEqualTo(2);
        Struct beyond = listOffsets(-1, BASE_TS + 3);
        assertThat(error(beyond)).isEqualTo(Errors.NONE);
        assertThat(beyond.getLong("Offset")).isEqualTo(-1);
        Struct max = listOffsets(-1, ListOffsetsHandler.MAX_TIMESTAMP);
        assertThat(max.getLong("Offset")).as("the max timestamp is on an uncommitted record").isEqualTo(-1);
        assertThat(listOffsets(-1, ListOffsetsHandler.LATEST).getLong("Offset")).isEqualTo(2);
    }

    @Test
    void aFollowerPartitionRefusesListOffsetsAndDeleteRecords() {
        append(2);
        partition.becomeFollower(F1, 3);
        assertThat(error(listOffsets(-1, ListOffsetsHandler.LATEST))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(error(deleteRecords(1, 1000).get())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.logStartOffset()).isZero();
    }

    @Test
    void deleteRecordsWaitsUntilEveryFollowerMovedItsLogStart() {
        partition.becomeLeader(1, Set.of(F1, F2), Set.of(F1, F2));
        append(5);
        followerFetch(F1, 5, 0);
        followerFetch(F2, 5, 0);
        assertThat(partition.highWatermark()).isEqualTo(5);

        AtomicReference<Struct> answer = deleteRecords(3, 30_000);
        assertThat(partition.logStartOffset()).as("the leader deletes at once").isEqualTo(3);
        assertThat(answer.get()).as("the followers still start at 0").isNull();

        followerFetch(F1, 5, 3);
        assertThat(answer.get()).isNull();
        followerFetch(F2, 5, 3);
        assertThat(answer.get()).isNotNull();
        assertThat(error(answer.get())).isEqualTo(Errors.NONE);
        assertThat(answer.get().getLong("LowWatermark")).isEqualTo(3);
    }

    @Test
    void deleteRecordsTimesOutWhenAFollowerDoesNotFollowTheLogStart() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        append(4);
        followerFetch(F1, 4, 0);
        AtomicReference<Struct> answer = deleteRecords(-1, 5_000); // -1: up to the high watermark
        assertThat(partition.logStartOffset()).isEqualTo(4);
        clock.advance(4_999);
        assertThat(answer.get()).isNull();
        clock.advance(1);
        assertThat(error(answer.get())).isEqualTo(Errors.REQUEST_TIMED_OUT);
    }

    @Test
    void aDeadFollowerDoesNotHoldDeleteRecords() {
        partition.becomeLeader(1, Set.of(F1, F2), Set.of(F1, F2));
        append(4);
        followerFetch(F1, 4, 0);
        followerFetch(F2, 4, 0);
        replicas.liveBrokers(id -> id != F2);
        AtomicReference<Struct> answer = deleteRecords(2, 30_000);
        assertThat(answer.get()).isNull();
        followerFetch(F1, 4, 2);
        assertThat(error(answer.get())).isEqualTo(Errors.NONE);
        assertThat(answer.get().getLong("LowWatermark")).isEqualTo(2);
    }
}

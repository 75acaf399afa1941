package dev.sluice.broker.api;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.message.Struct;
import dev.sluice.storage.testkit.fault.DiskFault;
import dev.sluice.storage.testkit.fault.FaultyFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ListOffsets, DeleteRecords and OffsetForLeaderEpoch on a disk that fails under the file storage
 * (the test kit's {@link FaultyFileSystem}): the failing call answers KAFKA_STORAGE_ERROR and takes
 * the directory offline, as Produce and Fetch do, and every such request on an offline partition
 * answers KAFKA_STORAGE_ERROR.
 */
class PartitionRequestsStorageFailureTest {
    private static final TopicPartition TP = new TopicPartition("a", 0);

    @TempDir
    Path dir;
    private final DiskFault fault = new DiskFault();
    private PartitionManager partitions;
    private ReplicaManager replicas;
    private BrokerState broker;

    @BeforeEach
    void setUp() {
        Path logDir = FaultyFileSystem.wrap(dir, fault);
        partitions = PartitionManagers.open(logDir, "file", Time.SYSTEM);
        replicas = new ReplicaManager(0, partitions);
        broker = new BrokerState(0, "cluster", "localhost", 0, null, partitions, replicas, null, Time.SYSTEM, dev.sluice.broker.config.BrokerConfig.of(Map.of()));
        partitions.createTopic("a", 1, (short) 1, Map.of(), false);
        Partition partition = partitions.partition(TP).orElseThrow();
        long now = System.currentTimeMillis();
        partition.appendAsLeader(new RecordBatchBuilder(null).append(now, null, new byte[1])
                .append(now, null, new byte[1]).build());
    }

    @AfterEach
    void tearDown() {
        fault.heal();
        replicas.close();
        partitions.close();
    }

    /** Runs {@code handler} on a request and returns the response's only partition entry. */
    private static Struct call(ApiKey api, short version, Struct body, Consumer<RequestContext> handler) {
        Request request = new Request(new RequestHeader(api, version, 1, "test"), body);
        AtomicReference<Struct> response = new AtomicReference<>();
        handler.accept(new RequestContext() {
            @Override
            public Request request() {
                return request;
            }

            @Override
            public void respond(Struct answer) {
                response.set(answer);
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
        return response.get().getArray("Topics").get(0).getArray("Partitions").get(0);
    }

    private Errors listOffsets(long timestamp) {
        Struct body = ApiKey.LIST_OFFSETS.newRequest().set("ReplicaId", -1);
        body.addStruct("Topics").set("Name", "a").addStruct("Partitions").set("PartitionIndex", 0)
                .set("CurrentLeaderEpoch", -1).set("Timestamp", timestamp);
        return Errors.forCode(call(ApiKey.LIST_OFFSETS, (short) 7, body, new ListOffsetsHandler(broker)::handle)
                .getShort("ErrorCode"));
    }

    private Errors deleteRecords(long offset) {
        Struct body = ApiKey.DELETE_RECORDS.newRequest().set("TimeoutMs", 1000);
        body.addStruct("Topics").set("Name", "a").addStruct("Partitions").set("PartitionIndex", 0).set("Offset", offset);
        return Errors.forCode(call(ApiKey.DELETE_RECORDS, (short) 2, body,
                new PartitionAdminHandlers(broker)::deleteRecords).getShort("ErrorCode"));
    }

    private Errors offsetForLeaderEpoch() {
        Struct body = ApiKey.OFFSET_FOR_LEADER_EPOCH.newRequest().set("ReplicaId", -1);
        body.addStruct("Topics").set("Topic", "a").addStruct("Partitions").set("Partition", 0)
                .set("CurrentLeaderEpoch", -1).set("LeaderEpoch", 0);
        return Errors.forCode(call(ApiKey.OFFSET_FOR_LEADER_EPOCH, (short) 4, body,
                new PartitionAdminHandlers(broker)::offsetForLeaderEpoch).getShort("ErrorCode"));
    }

    private PartitionRole role() {
        return partitions.partition(TP).orElseThrow().role();
    }

    @Test
    void aTimestampLookupFailingOnTheDiskAnswersStorageErrorAndTakesTheDirectoryOffline() {
        assertThat(listOffsets(0)).isEqualTo(Errors.NONE);
        fault.fail();

        assertThat(listOffsets(0)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(role()).isInstanceOf(PartitionRole.Offline.class);

        fault.heal(); // offline stays offline
        assertThat(listOffsets(-1)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(deleteRecords(1)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(offsetForLeaderEpoch()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void deleteRecordsFailingOnTheDiskAnswersStorageErrorAndTakesTheDirectoryOffline() {
        fault.fail();

        assertThat(deleteRecords(1)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(role()).isInstanceOf(PartitionRole.Offline.class);
    }
}

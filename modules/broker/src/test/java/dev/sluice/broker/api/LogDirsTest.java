package dev.sluice.broker.api;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.topic.FileTopicRegistry;
import dev.sluice.broker.topic.TopicDefaults;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.message.Struct;
import dev.sluice.storage.testkit.fault.DiskFault;
import dev.sluice.storage.testkit.fault.FaultyFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several directories in {@code log.dirs}: new partitions spread over them (fewest partitions first),
 * stay where they are across a restart, and DescribeLogDirs reports each directory with its partitions'
 * sizes — and a directory whose disk failed as KAFKA_STORAGE_ERROR while the others serve on.
 */
class LogDirsTest {
    @TempDir
    Path dir;
    private final DiskFault fault = new DiskFault();
    private PartitionManager partitions;
    private ReplicaManager replicas;
    private BrokerState broker;

    private void start(Path first, Path second) {
        StorageEngines engines = new StorageEngines(List.of(first, second), "file", Map.of(), Time.SYSTEM).openDefault();
        partitions = new PartitionManager(engines, new FileTopicRegistry(first), new TopicDefaults(LogConfig.DEFAULT,
                TimestampType.CREATE_TIME, 1_000_000, 1, (short) 1, false, "delete", "file", Long.MAX_VALUE,
                Long.MAX_VALUE), Time.SYSTEM, 1000);
        partitions.startup();
        replicas = new ReplicaManager(0, partitions);
        broker = new BrokerState(0, "cluster", "localhost", 0, null, partitions, replicas, null, Time.SYSTEM,
                dev.sluice.broker.config.BrokerConfig.of(Map.of()));
    }

    @AfterEach
    void tearDown() {
        fault.heal();
        if (replicas != null) {
            replicas.close();
            partitions.close();
        }
    }

    private void append(String topic, int partition, int bytes) {
        Partition p = partitions.partition(new TopicPartition(topic, partition)).orElseThrow();
        p.appendAsLeader(new RecordBatchBuilder(null).append(System.currentTimeMillis(), null, new byte[bytes]).build());
    }

    /** DescribeLogDirs v4 for every topic: per directory, its error and partition sizes by "topic-p". */
    private Map<String, Object[]> describe() {
        Request request = new Request(new RequestHeader(ApiKey.DESCRIBE_LOG_DIRS, (short) 4, 1, "test"),
                ApiKey.DESCRIBE_LOG_DIRS.newRequest().set("Topics", null));
        AtomicReference<Struct> response = new AtomicReference<>();
        new LogDirHandlers(broker).describeLogDirs(new RequestContext() {
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
                throw new AssertionError();
            }

            @Override
            public void closeConnection(String reason) {
                throw new AssertionError(reason);
            }
        });
        Map<String, Object[]> byDir = new LinkedHashMap<>();
        for (Struct result : response.get().getArray("Results")) {
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (Struct t : result.getArray("Topics")) {
                for (Struct p : t.getArray("Partitions")) {
                    sizes.put(t.getString("Name") + "-" + p.getInt("PartitionIndex"), p.getLong("PartitionSize"));
                }
            }
            byDir.put(result.getString("LogDir"), new Object[]{Errors.forCode(result.getShort("ErrorCode")), sizes,
                    result.getLong("TotalBytes")});
        }
        return byDir;
    }

    @Test
    void newPartitionsSpreadOverTheDirectoriesAndStayThereAcrossARestart() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        start(a, b);
        partitions.createTopic("t", 4, (short) 1, Map.of(), false);
        append("t", 0, 100);
        append("t", 3, 300);
        Map<String, Object[]> described = describe();
        assertThat(described).containsOnlyKeys(a.toString(), b.toString());
        @SuppressWarnings("unchecked") Map<String, Long> inA = (Map<String, Long>) described.get(a.toString())[1];
        @SuppressWarnings("unchecked") Map<String, Long> inB = (Map<String, Long>) described.get(b.toString())[1];
        assertThat(inA).hasSize(2);
        assertThat(inB).hasSize(2);
        assertThat(described.get(a.toString())[0]).isEqualTo(Errors.NONE);
        assertThat((Long) described.get(b.toString())[2]).isPositive();
        Map<String, Long> all = new LinkedHashMap<>(inA);
        all.putAll(inB);
        assertThat(all).containsOnlyKeys("t-0", "t-1", "t-2", "t-3");
        assertThat(all.get("t-0")).isGreaterThan(100);
        assertThat(all.get("t-3")).isGreaterThan(300);
        assertThat(all.get("t-1")).isZero();
        for (String tp : inB.keySet()) {
            assertThat(Files.isDirectory(b.resolve(tp))).as(tp + " in b").isTrue();
            assertThat(Files.exists(a.resolve(tp))).as(tp + " not in a").isFalse();
        }

        replicas.close();
        partitions.close();
        start(a, b);
        Map<String, Object[]> again = describe();
        assertThat(again.get(a.toString())[1]).isEqualTo(inA);
        assertThat(again.get(b.toString())[1]).isEqualTo(inB);
        assertThat(partitions.partition(new TopicPartition("t", 3)).orElseThrow().log().logEndOffset()).isEqualTo(1);
    }

    @Test
    void aFailedDirectoryIsReportedOfflineItsPartitionsFailAndTheOtherDirectoryServesOnAndTakesNewPartitions() {
        Path a = dir.resolve("a");
        Path b = FaultyFileSystem.wrap(dir.resolve("b"), fault);
        start(a, b);
        partitions.createTopic("t", 2, (short) 1, Map.of(), false);
        Path ofT0 = partitions.logDirOf(new TopicPartition("t", 0));
        Path ofT1 = partitions.logDirOf(new TopicPartition("t", 1));
        assertThat(List.of(ofT0, ofT1)).containsExactlyInAnyOrder(a, b);
        int onB = ofT0.equals(b) ? 0 : 1;
        fault.fail();
        try {
            append("t", onB, 10);
        } catch (RuntimeException expected) {
            // the storage failure: the directory goes offline
        }
        partitions.storageFailed(new TopicPartition("t", onB), new RuntimeException("disk gone"));
        assertThat(partitions.partition(new TopicPartition("t", onB)).orElseThrow().role()).isInstanceOf(PartitionRole.Offline.class);
        assertThat(partitions.partition(new TopicPartition("t", 1 - onB)).orElseThrow().role())
                .isNotInstanceOf(PartitionRole.Offline.class);
        append("t", 1 - onB, 10);

        Map<String, Object[]> described = describe();
        assertThat(described.get(b.toString())[0]).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat((Map<?, ?>) described.get(b.toString())[1]).isEmpty();
        assertThat(described.get(a.toString())[0]).isEqualTo(Errors.NONE);
        assertThat(List.copyOf(((Map<?, ?>) described.get(a.toString())[1]).keySet())).isEqualTo(List.of("t-" + (1 - onB)));

        partitions.createTopic("later", 2, (short) 1, Map.of(), false);
        assertThat(partitions.logDirOf(new TopicPartition("later", 0))).isEqualTo(a);
        assertThat(partitions.logDirOf(new TopicPartition("later", 1))).isEqualTo(a);
        append("later", 1, 10);
    }
}

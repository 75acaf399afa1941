package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.protocol.Errors;
import dev.sluice.storage.testkit.fault.DiskFault;
import dev.sluice.storage.testkit.fault.FaultyFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file storage on a disk that really fails under it (the test kit's {@link FaultyFileSystem}:
 * its channels and file operations throw): storage-file's {@code StorageException} reaches the
 * replica manager, which answers KAFKA_STORAGE_ERROR and takes the directory offline; the broker
 * lives on and nothing is written to the disk again, even once it works.
 */
class FailingDiskTest {
    @TempDir
    Path dir;
    private final DiskFault fault = new DiskFault();
    private PartitionManager partitions;
    private ReplicaManager replicas;

    @BeforeEach
    void setUp() {
        Path logDir = FaultyFileSystem.wrap(dir, fault);
        partitions = PartitionManagers.open(logDir, "file", Time.SYSTEM);
        replicas = new ReplicaManager(0, partitions);
        partitions.createTopic("a", 1, (short) 1, Map.of(), false);
        partitions.createTopic("b", 1, (short) 1, Map.of(), false);
    }

    @AfterEach
    void tearDown() {
        fault.heal();
        replicas.close();
        partitions.close();
    }

    private Errors produce(String topic) {
        AtomicReference<List<ProducePartitionResult>> answer = new AtomicReference<>();
        replicas.appendRecords((short) 1, 1000, List.of(new ProduceTarget(new TopicPartition(topic, 0),
                new RecordBatchBuilder(null).append(1, null, new byte[]{1}).build())), answer::set);
        return answer.get().get(0).error();
    }

    private Errors fetch(String topic) {
        AtomicReference<List<FetchPartitionResult>> answer = new AtomicReference<>();
        replicas.fetchMessages(new FetchParams(-1, 0, 0, Integer.MAX_VALUE),
                List.of(new FetchTarget(new TopicPartition(topic, 0), 0, Integer.MAX_VALUE, -1)), answer::set);
        return answer.get().get(0).error();
    }

    private PartitionRole role(String topic) {
        return partitions.partition(new TopicPartition(topic, 0)).orElseThrow().role();
    }

    @Test
    void aWriteFailingOnTheDiskAnswersStorageErrorAndTakesTheDirectoryOffline() {
        assertThat(produce("a")).isEqualTo(Errors.NONE);
        fault.fail();

        assertThat(produce("a")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(role("a")).isInstanceOf(PartitionRole.Offline.class);
        assertThat(role("b")).isInstanceOf(PartitionRole.Offline.class);

        fault.heal();
        assertThat(produce("b")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(fetch("a")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void aReadFailingOnTheDiskAnswersStorageErrorAndTakesTheDirectoryOffline() {
        assertThat(produce("a")).isEqualTo(Errors.NONE);
        fault.fail();

        assertThat(fetch("a")).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(role("b")).isInstanceOf(PartitionRole.Offline.class);
    }

    @Test
    void retentionFailingOnTheDiskTakesTheDirectoryOffline() {
        partitions.createTopic("short-lived", 1, (short) 1, Map.of("retention.ms", "0"), false);
        assertThat(produce("short-lived")).isEqualTo(Errors.NONE);
        fault.fail();

        partitions.enforceRetention(); // must delete the segment: fails, and is not merely logged

        assertThat(role("short-lived")).isInstanceOf(PartitionRole.Offline.class);
        assertThat(role("a")).isInstanceOf(PartitionRole.Offline.class);
        fault.heal();
        assertThat(partitions.enforceRetention()).isZero(); // offline partitions are left alone
        assertThat(partitions.partition(new TopicPartition("short-lived", 0)).orElseThrow().logEndOffset()).isEqualTo(1);
    }
}

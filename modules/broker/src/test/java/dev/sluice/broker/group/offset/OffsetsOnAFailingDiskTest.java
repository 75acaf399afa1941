package dev.sluice.broker.group.offset;

import dev.sluice.api.Time;
import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.storage.testkit.fault.DiskFault;
import dev.sluice.storage.testkit.fault.FaultyFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Offset commits written to {@code __consumer_offsets} on a disk that fails (the test kit's
 * {@link FaultyFileSystem} under the file storage): the commit fails with a StorageException and
 * the storage goes offline, as a failing produce takes it, instead of the broker writing on.
 */
class OffsetsOnAFailingDiskTest {
    @TempDir
    Path dir;
    private final DiskFault fault = new DiskFault();
    private PartitionManager partitions;

    @BeforeEach
    void setUp() {
        Path logDir = FaultyFileSystem.wrap(dir, fault);
        partitions = PartitionManagers.open(logDir, "file", Time.SYSTEM);
        partitions.createTopic("orders", 1, (short) 1, Map.of(), false);
    }

    @AfterEach
    void tearDown() {
        fault.heal();
        partitions.close();
    }

    @Test
    void aCommitFailingOnTheDiskTakesTheStorageOffline() {
        LogOffsetStore store = LogOffsetStore.open(new BrokerTopicEngine(dir, partitions, 1, 16 * 1024), 1,
                LogConfig.DEFAULT, SnapshotPolicy.from(Map.of()), Time.SYSTEM);
        TopicPartition orders = new TopicPartition("orders", 0);
        store.commit("g", Map.of(orders, new CommittedOffset(5, 0, "", 1, -1)));
        fault.fail();

        assertThatThrownBy(() -> store.commit("g", Map.of(orders, new CommittedOffset(6, 0, "", 2, -1))))
                .isInstanceOf(StorageException.class);

        assertThat(partitions.partition(new TopicPartition(LogOffsetStore.TOPIC, 0)).orElseThrow().role())
                .isInstanceOf(PartitionRole.Offline.class);
        assertThat(partitions.partition(orders).orElseThrow().role()).isInstanceOf(PartitionRole.Offline.class);
    }
}

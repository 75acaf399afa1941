package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.testing.PartitionManagers;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Becoming leader in epoch N records (N, log end) in the storage's epoch history before any
 * append (file: leader-epoch-checkpoint, LMDB: the epochs table), as Kafka does. (An epoch with no
 * batch is dropped again when a log is loaded, as Kafka's truncateFromEnd(log end) does; a
 * restarted broker records it again when it becomes leader.)
 */
class LeaderEpochStartTest {
    @TempDir
    Path dir;

    private PartitionManager open(String engine) {
        return PartitionManagers.open(dir, engine, Time.SYSTEM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void becomingLeaderRecordsTheEpochStartBeforeAnyAppend(String engine) {
        TopicPartition tp = new TopicPartition("t", 0);
        try (PartitionManager partitions = open(engine)) {
            partitions.createTopic("t", 1, (short) 1, Map.of(), false);
            Partition partition = partitions.partition(tp).orElseThrow();
            partition.appendAsLeader(new RecordBatchBuilder(null).append(1, null, new byte[1])
                    .append(2, null, new byte[1]).build());
            int epoch = partition.leaderEpoch() + 3;
            partition.becomeLeader(epoch, Set.of(), Set.of());
            assertThat(partition.log().epochs()).last().isEqualTo(new EpochEntry(epoch, 2));
            assertThat(partition.endOffsetForEpoch(epoch - 1)).isEqualTo(new EpochEndOffset(partition.leaderEpoch() - 3, 2));
            // the first append of the new epoch keeps the recorded start
            partition.appendAsLeader(new RecordBatchBuilder(null).append(3, null, new byte[1]).build());
            assertThat(partition.log().epochs()).last().isEqualTo(new EpochEntry(epoch, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void aPartitionOpenedAsLeaderKnowsItsEpochBeforeAnyAppend(String engine) {
        TopicPartition tp = new TopicPartition("t", 0);
        try (PartitionManager partitions = open(engine)) {
            partitions.createTopic("t", 1, (short) 1, Map.of(), false);
            partitions.deleteTopic("t");
            partitions.createTopic("t", 1, (short) 1, Map.of(), false); // a new topic, above the old epochs
            Partition partition = partitions.partition(tp).orElseThrow();
            int epoch = partition.leaderEpoch();
            assertThat(epoch).isPositive();
            assertThat(partition.log().epochs()).containsExactly(new EpochEntry(epoch, 0));
            // a consumer's position from the deleted topic: truncated to the new log's start
            assertThat(partition.endOffsetForEpoch(epoch - 1)).isEqualTo(new EpochEndOffset(epoch - 1, 0));
            assertThat(partition.endOffsetForEpoch(epoch)).isEqualTo(new EpochEndOffset(epoch, 0));
            assertThat(partition.endOffsetForEpoch(epoch + 1)).isEqualTo(EpochEndOffset.UNDEFINED);
        }
    }
}

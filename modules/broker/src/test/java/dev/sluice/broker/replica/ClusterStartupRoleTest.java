package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker of a cluster restarting on its data: its partitions lead nothing until the controller's
 * LeaderAndIsr (PartitionManager.rolesFromController), so a client with stale metadata cannot get
 * a write acknowledged by a replica that is no longer (or not yet) the leader, and the high
 * watermark stays the checkpointed one rather than jumping to the log end. The LeaderAndIsr then
 * makes it leader or follower as usual, even under the epoch it already knew.
 */
class ClusterStartupRoleTest {
    private static final int SELF = 1;
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    private PartitionManager open(boolean cluster) {
        PartitionManager partitions = PartitionManagers.create(dir, "file", Time.SYSTEM);
        if (cluster) {
            partitions.rolesFromController();
        }
        partitions.startup();
        return partitions;
    }

    @Test
    void aRestartedClusterBrokerLeadsNothingUntilTheControllerSaysSo() {
        TopicMetadata topic;
        PartitionManager first = open(false);
        try {
            topic = first.createTopic("t", 1, (short) 1, Map.of(), false);
            Partition p = first.partition(TP).orElseThrow();
            p.becomeLeader(p.leaderEpoch(), java.util.Set.of(2), java.util.Set.of(2));
            p.appendAsLeader(new RecordBatchBuilder(null).append(1, null, new byte[1]).append(2, null, new byte[1]).build());
            p.updateFollowerFetchState(2, 1); // the follower has offset 0 only: high watermark 1 of log end 2
            assertThat(p.highWatermark()).isEqualTo(1);
            first.checkpointHighWatermarks();
        } finally {
            first.close();
        }

        PartitionManager partitions = open(true);
        try (ReplicaManager replicas = new ReplicaManager(SELF, partitions)) {
            Partition p = partitions.partition(TP).orElseThrow();
            int epoch = p.leaderEpoch();
            assertThat(p.role()).isEqualTo(new PartitionRole.Follower(-1, epoch));
            assertThat(p.highWatermark()).as("the checkpoint, not the log end").isEqualTo(1);
            AtomicReference<List<ProducePartitionResult>> answer = new AtomicReference<>();
            replicas.appendRecords((short) -1, 1000, List.of(new ProduceTarget(TP,
                    new RecordBatchBuilder(null).append(3, null, new byte[1]).build())), answer::set);
            assertThat(answer.get()).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER));
            assertThat(p.logEndOffset()).isEqualTo(2);

            // the controller's LeaderAndIsr under the epoch the broker already had: it leads now
            assertThat(replicas.becomeLeaderOrFollower(List.of(new LeaderAndIsrPartition(TP, topic.id(), SELF, epoch,
                    List.of(SELF), 3, List.of(SELF, 2)))).get(0)).isEqualTo(Errors.NONE);
            assertThat(p.role()).isEqualTo(new PartitionRole.Leader(epoch));
            answer.set(null);
            replicas.appendRecords((short) 1, 1000, List.of(new ProduceTarget(TP,
                    new RecordBatchBuilder(null).append(3, null, new byte[1]).build())), answer::set);
            assertThat(answer.get().get(0).error()).isEqualTo(Errors.NONE);
        } finally {
            partitions.close();
        }
    }
}

package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.partition.ReplicaAssignment;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of LeaderAndIsr and StopReplica on a broker (id 1): a partition's state is applied
 * only with a newer leader epoch (or, under the same epoch, a newer partition epoch), through
 * becomeLeader / becomeFollower, and StopReplica with delete removes the replica and its data.
 */
class LeadershipChangesTest {
    private static final int SELF = 1;
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    PartitionManager partitions;
    ReplicaManager replicas;
    TopicMetadata topic;
    List<String> changed = new ArrayList<>();

    @BeforeEach
    void open() {
        partitions = PartitionManagers.open(dir, "file", Time.SYSTEM);
        replicas = new ReplicaManager(SELF, partitions);
        topic = partitions.createTopic("t", 2, (short) 1, Map.of(), false);
        partitions.onTopicChanged(changed::add);
    }

    @AfterEach
    void close() {
        replicas.close();
        partitions.close();
    }

    private Partition partition() {
        return partitions.partition(TP).orElseThrow();
    }

    private LeaderAndIsrPartition state(int leader, int epoch, int partitionEpoch, List<Integer> replicas, List<Integer> isr) {
        return new LeaderAndIsrPartition(TP, topic.id(), leader, epoch, isr, partitionEpoch, replicas);
    }

    private Errors apply(LeaderAndIsrPartition state) {
        return replicas.becomeLeaderOrFollower(List.of(state)).get(0);
    }

    @Test
    void aNewerLeaderEpochChangesTheRoleAndRecordsTheEpochStart() {
        partition().appendAsLeader(new RecordBatchBuilder(null).append(1, null, new byte[1]).append(2, null, new byte[1]).build());
        int epoch = partition().leaderEpoch();

        assertThat(apply(state(2, epoch + 1, 1, List.of(1, 2), List.of(1, 2)))).isEqualTo(Errors.NONE);
        assertThat(partition().role()).isEqualTo(new PartitionRole.Follower(2, epoch + 1));
        assertThat(partition().isr().assignment()).isEqualTo(new ReplicaAssignment(List.of(1, 2), List.of(1, 2), 1));
        assertThat(changed).containsExactly("t");

        assertThat(apply(state(SELF, epoch + 2, 2, List.of(1, 2), List.of(1, 2)))).isEqualTo(Errors.NONE);
        assertThat(partition().role()).isEqualTo(new PartitionRole.Leader(epoch + 2));
        assertThat(partition().log().epochs()).last().isEqualTo(new EpochEntry(epoch + 2, 2));
        assertThat(partition().isr().isFollower(2)).isTrue();
        assertThat(partition().isr().isFollower(3)).isFalse();
    }

    @Test
    void anOlderOrEqualStateIsStaleAndChangesNothing() {
        int epoch = partition().leaderEpoch() + 5;
        assertThat(apply(state(2, epoch, 3, List.of(1, 2), List.of(1, 2)))).isEqualTo(Errors.NONE);
        changed.clear();

        assertThat(apply(state(SELF, epoch - 1, 9, List.of(1, 2), List.of(1, 2)))).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        assertThat(apply(state(SELF, epoch, 3, List.of(1, 2), List.of(1, 2)))).isEqualTo(Errors.STALE_CONTROLLER_EPOCH);
        assertThat(partition().role()).isEqualTo(new PartitionRole.Follower(2, epoch));
        assertThat(partition().isr().assignment().partitionEpoch()).isEqualTo(3);
        assertThat(changed).isEmpty();
    }

    @Test
    void theSameLeaderEpochWithANewerPartitionEpochChangesOnlyTheIsr() {
        int epoch = partition().leaderEpoch() + 1;
        assertThat(apply(state(SELF, epoch, 1, List.of(1, 2, 3), List.of(1)))).isEqualTo(Errors.NONE);
        List<EpochEntry> epochs = partition().log().epochs();
        assertThat(apply(state(SELF, epoch, 2, List.of(1, 2, 3), List.of(1, 3)))).isEqualTo(Errors.NONE);
        assertThat(partition().role()).isEqualTo(new PartitionRole.Leader(epoch));
        assertThat(partition().isr().assignment().isr()).containsExactly(1, 3);
        assertThat(partition().log().epochs()).isEqualTo(epochs); // no new epoch start
    }

    @Test
    void aBrokerNotAmongTheReplicasOrAnotherTopicIdIsRefused() {
        int epoch = partition().leaderEpoch() + 1;
        assertThat(apply(state(2, epoch, 1, List.of(2, 3), List.of(2, 3)))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(replicas.becomeLeaderOrFollower(List.of(new LeaderAndIsrPartition(TP, UUID.randomUUID(), 2, epoch,
                List.of(1, 2), 1, List.of(1, 2))))).containsExactly(Errors.INCONSISTENT_TOPIC_ID);
        assertThat(replicas.becomeLeaderOrFollower(List.of(new LeaderAndIsrPartition(new TopicPartition("t", 7),
                topic.id(), 2, epoch, List.of(1, 2), 1, List.of(1, 2))))).containsExactly(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(partition().role()).isInstanceOf(PartitionRole.Leader.class);
    }

    @Test
    void stopReplicaWithDeleteRemovesTheReplicaAndItsDataAndLeaderAndIsrOpensItAgain() throws Exception {
        Path data = dir.resolve(TP.dirName());
        assertThat(data).exists();
        int epoch = partition().leaderEpoch() + 3;
        assertThat(apply(state(SELF, epoch, 1, List.of(1), List.of(1)))).isEqualTo(Errors.NONE);
        changed.clear();

        assertThat(replicas.stopReplicas(List.of(new StopReplicaPartition(TP, epoch - 1, true))))
                .containsExactly(Errors.FENCED_LEADER_EPOCH);
        assertThat(partitions.partition(TP)).isPresent();

        assertThat(replicas.stopReplicas(List.of(new StopReplicaPartition(TP, epoch, false)))).containsExactly(Errors.NONE);
        assertThat(partitions.partition(TP)).isPresent(); // stopped, not deleted

        assertThat(replicas.stopReplicas(List.of(new StopReplicaPartition(TP, StopReplicaPartition.EPOCH_DURING_DELETE, true))))
                .containsExactly(Errors.NONE);
        assertThat(partitions.partition(TP)).isEmpty();
        assertThat(Files.exists(data)).isFalse();
        assertThat(partitions.partition(new TopicPartition("t", 1))).isPresent();
        assertThat(partitions.topics().get("t")).isPresent(); // the catalogue is the controller's business
        assertThat(changed).containsExactly("t");
        // a partition not hosted: nothing to stop
        assertThat(replicas.stopReplicas(List.of(new StopReplicaPartition(TP, 0, true)))).containsExactly(Errors.NONE);

        // assigned here again: a replica new to this broker takes the controller's epoch, even a lower one
        assertThat(apply(state(2, 0, 0, List.of(1, 2), List.of(2)))).isEqualTo(Errors.NONE);
        assertThat(partition().role()).isEqualTo(new PartitionRole.Follower(2, 0));
        assertThat(partition().logEndOffset()).isZero();
    }
}

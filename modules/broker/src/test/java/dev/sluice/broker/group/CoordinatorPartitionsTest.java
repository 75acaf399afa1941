package dev.sluice.broker.group;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.group.offset.BrokerTopicEngine;
import dev.sluice.broker.group.offset.LogOffsetStore;
import dev.sluice.broker.group.offset.LogOffsetStoreProvider;
import dev.sluice.broker.group.offset.ReplicatedCommits;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.replica.LeaderAndIsrPartition;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.testing.PartitionManagers;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group coordinator following the leadership of {@code __consumer_offsets} (broker 1, three
 * partitions of the topic), driven by LeaderAndIsr/StopReplica through the real replica manager, on
 * a manual clock: the loader's tasks run only when the test lets them ({@link ManualClock#runDueTasks}),
 * so "while loading" and "after unloading" are states the test can look at.
 */
class CoordinatorPartitionsTest {
    private static final int SELF = 1;
    private static final int PARTITIONS = 3;
    private static final String GROUP = "g";
    private static final int P = (GROUP.hashCode() & 0x7fffffff) % PARTITIONS;
    private static final TopicPartition OFFSETS_P = new TopicPartition(LogOffsetStore.TOPIC, P);
    private static final TopicPartition DATA = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private PartitionManager partitions;
    private ReplicaManager replicas;
    private TopicMetadata offsetsTopic;
    private LogOffsetStore store;
    private GroupCoordinator coordinator;
    private CoordinatorPartitions owner;
    private GroupOffsets offsets;

    @BeforeEach
    void open() {
        partitions = PartitionManagers.open(dir, "file", clock);
        replicas = new ReplicaManager(SELF, partitions, clock);
        offsetsTopic = partitions.createTopic(LogOffsetStore.TOPIC, PARTITIONS, (short) 1,
                BrokerTopicEngine.internalTopicConfigs(1 << 20), false);
        partitions.createTopic("t", 1, (short) 1, Map.of(), false);
        startCoordinator();
    }

    /** A coordinator as a cluster broker starts one: nothing loaded, following LeaderAndIsr. */
    private void startCoordinator() {
        store = LogOffsetStoreProvider.openUnloaded(new BrokerTopicEngine(dir, partitions, PARTITIONS, 1 << 20), Map.of(), clock);
        coordinator = new GroupCoordinator(new GroupConfig(1000, 60_000, 0, 3_600_000, 600_000, 4096), store, clock, clock);
        owner = CoordinatorPartitions.following(store, coordinator, clock);
        replicas.onLeadershipChange(owner.leadershipListener(() -> PARTITIONS));
        offsets = new GroupOffsets(coordinator, new ReplicatedCommits(store, partitions, replicas, 5_000));
    }

    @AfterEach
    void close() {
        owner.close();
        coordinator.close();
        replicas.close();
        partitions.close();
    }

    private Partition offsetsPartition() {
        return partitions.partition(OFFSETS_P).orElseThrow();
    }

    private Errors leaderAndIsr(int leader, int epoch, List<Integer> replicaIds, List<Integer> isr) {
        return replicas.becomeLeaderOrFollower(List.of(new LeaderAndIsrPartition(OFFSETS_P, offsetsTopic.id(), leader,
                epoch, isr, epoch, replicaIds))).get(0);
    }

    private Errors lead(int epoch) {
        return leaderAndIsr(SELF, epoch, List.of(SELF), List.of(SELF));
    }

    private Errors follow(int epoch) {
        return leaderAndIsr(2, epoch, List.of(SELF, 2), List.of(SELF, 2));
    }

    private Errors commit(long offset) {
        return offsets.commit(GROUP, -1, "", null, Map.of(DATA, new CommittedOffset(offset, -1, "", clock.milliseconds(), -1)));
    }

    private AtomicReference<JoinResult> join(String memberId) {
        AtomicReference<JoinResult> answer = new AtomicReference<>();
        coordinator.join(new JoinRequest(GROUP, memberId, null, "client", "/127.0.0.1", 10_000, 30_000, "consumer",
                List.of(new JoinProtocol("range", new byte[]{1})), false, false), answer::set);
        return answer;
    }

    @Test
    void nothingIsServedUntilThisBrokerLeadsTheGroupsPartitionAndLoadedIt() {
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(commit(5)).isEqualTo(Errors.NOT_COORDINATOR); // the store refuses an unloaded partition

        assertThat(lead(1)).isEqualTo(Errors.NONE);
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(store.isLoaded(P)).isFalse(); // in the background: on the loader, not the control request's thread

        clock.runDueTasks();
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(store.isLoaded(P)).isTrue();
        // only the partition it leads: the others stay unloaded and their groups NOT_COORDINATOR
        IntStream.range(0, PARTITIONS).filter(p -> p != P).forEach(p -> assertThat(store.isLoaded(p)).isFalse());
        String elsewhere = IntStream.range(0, 100).mapToObj(i -> "h" + i)
                .filter(g -> (g.hashCode() & 0x7fffffff) % PARTITIONS != P).findFirst().orElseThrow();
        assertThat(owner.errorFor(elsewhere)).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void resigningUnloadsTheGroupsAndLeadingAgainReplaysOffsetsAndMembersFromTheLog() {
        lead(1);
        clock.runDueTasks();
        JoinResult joined = join("").get();
        assertThat(joined.error()).isEqualTo(Errors.NONE);
        AtomicReference<SyncResult> synced = new AtomicReference<>();
        coordinator.sync(GROUP, joined.generationId(), joined.memberId(), null, null, null,
                Map.of(joined.memberId(), new byte[]{9}), synced::set);
        assertThat(synced.get().error()).isEqualTo(Errors.NONE);
        assertThat(offsets.commit(GROUP, joined.generationId(), joined.memberId(), null,
                Map.of(DATA, new CommittedOffset(42, 3, "m", clock.milliseconds(), -1)))).isEqualTo(Errors.NONE);

        assertThat(follow(2)).isEqualTo(Errors.NONE);
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR); // at once, before the unload ran
        clock.runDueTasks();
        assertThat(store.isLoaded(P)).isFalse();
        assertThat(new GroupAdmin(coordinator).describe(GROUP)).isNull();
        assertThat(offsets.fetch(GROUP, DATA)).isEmpty();
        assertThat(coordinator.heartbeat(GROUP, joined.memberId(), null, joined.generationId()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID); // (the guard answers NOT_COORDINATOR before this)

        assertThat(lead(3)).isEqualTo(Errors.NONE);
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        clock.runDueTasks();
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(offsets.fetch(GROUP, DATA)).hasValueSatisfying(o -> {
            assertThat(o.offset()).isEqualTo(42);
            assertThat(o.leaderEpoch()).isEqualTo(3);
            assertThat(o.metadata()).isEqualTo("m");
        });
        GroupAdmin.Description group = new GroupAdmin(coordinator).describe(GROUP);
        assertThat(group.state()).isEqualTo("Stable");
        assertThat(group.members()).extracting(GroupAdmin.MemberDescription::memberId).containsExactly(joined.memberId());
        // the member carries on with its generation; its session runs again from the load
        assertThat(coordinator.heartbeat(GROUP, joined.memberId(), null, joined.generationId())).isEqualTo(Errors.NONE);
        clock.advance(10_000);
        assertThat(new GroupAdmin(coordinator).describe(GROUP).members()).isEmpty();
    }

    @Test
    void aParkedJoinIsAnsweredNotCoordinatorWhenTheGroupIsUnloaded() {
        lead(1);
        clock.runDueTasks();
        JoinResult first = join("").get();
        AtomicReference<SyncResult> synced = new AtomicReference<>();
        coordinator.sync(GROUP, first.generationId(), first.memberId(), null, null, null, Map.of(), synced::set);
        AtomicReference<JoinResult> second = join(""); // waits for the first member to rejoin
        assertThat(second.get()).isNull();

        follow(2);
        clock.runDueTasks();
        assertThat(second.get().error()).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void stopReplicaUnloadsAsFollowingDoes() {
        lead(1);
        clock.runDueTasks();
        assertThat(commit(7)).isEqualTo(Errors.NONE);
        replicas.stopReplicas(List.of(new dev.sluice.broker.replica.StopReplicaPartition(OFFSETS_P, 1, false)));
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);
        clock.runDueTasks();
        assertThat(store.isLoaded(P)).isFalse();
        assertThat(offsets.fetch(GROUP, DATA)).isEmpty();
    }

    @Test
    void aLoadOvertakenByResignationAndReElectionEndsLoadedOnceWithTheLatestEpoch() {
        lead(1);
        clock.runDueTasks();
        assertThat(commit(11)).isEqualTo(Errors.NONE);
        follow(2);
        lead(3);
        follow(4);
        lead(5); // none of the loader's tasks ran yet
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        clock.runDueTasks();
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(offsets.fetch(GROUP, DATA).orElseThrow().offset()).isEqualTo(11);
        assertThat(commit(12)).isEqualTo(Errors.NONE);
        assertThat(offsets.fetch(GROUP, DATA).orElseThrow().offset()).isEqualTo(12);
    }

    @Test
    void aConfirmedLeadershipKeepsTheLoadedGroups() {
        lead(1);
        clock.runDueTasks();
        JoinResult joined = join("").get();
        // the controller bumps the leader epoch for an ISR change; this broker still leads
        assertThat(lead(2)).isEqualTo(Errors.NONE);
        assertThat(owner.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(clock.pending()).isGreaterThan(0); // the member's session, but no load
        assertThat(new GroupAdmin(coordinator).describe(GROUP).members()).extracting(GroupAdmin.MemberDescription::memberId)
                .containsExactly(joined.memberId());
    }

    @Test
    void aCommitIsAcknowledgedOnlyOnceTheInSyncReplicasHaveIt() {
        assertThat(leaderAndIsr(SELF, 1, List.of(SELF, 2), List.of(SELF, 2))).isEqualTo(Errors.NONE);
        clock.runDueTasks();
        assertThat(commit(20)).isEqualTo(Errors.NONE); // in the leader's log...
        AtomicReference<Errors> acknowledged = new AtomicReference<>();
        offsets.acknowledge(GROUP, acknowledged::set);
        assertThat(acknowledged.get()).isNull(); // ...but not acknowledged: follower 2 does not have it

        offsetsPartition().updateFollowerFetchState(2, offsetsPartition().logEndOffset());
        assertThat(acknowledged.get()).isEqualTo(Errors.NONE);

        assertThat(commit(21)).isEqualTo(Errors.NONE);
        AtomicReference<Errors> late = new AtomicReference<>();
        offsets.acknowledge(GROUP, late::set);
        clock.advance(4_999);
        assertThat(late.get()).isNull();
        clock.advance(1); // offsets.commit.timeout.ms: Kafka answers COORDINATOR_NOT_AVAILABLE, the client retries
        assertThat(late.get()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);

        assertThat(commit(22)).isEqualTo(Errors.NONE);
        AtomicReference<Errors> deposed = new AtomicReference<>();
        offsets.acknowledge(GROUP, deposed::set);
        follow(2); // leadership lost while waiting
        assertThat(deposed.get()).isEqualTo(Errors.NOT_COORDINATOR);
    }
}

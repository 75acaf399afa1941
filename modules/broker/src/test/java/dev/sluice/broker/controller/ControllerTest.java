package dev.sluice.broker.controller;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.RegistrationOutcome;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerTest {

    private final InProcessClusterState cluster = new InProcessClusterState();
    private final Map<Integer, InProcessMetadataStore> sessions = new TreeMap<>();
    private final ManualClock clock = new ManualClock();
    private final RecordingControlChannel channel = new RecordingControlChannel();
    private final List<Controller> controllers = new ArrayList<>();

    @AfterEach
    void close() {
        controllers.forEach(Controller::resign);
        sessions.values().forEach(InProcessMetadataStore::close);
        clock.close();
    }

    private InProcessMetadataStore startBroker(int id) {
        InProcessMetadataStore store = cluster.connect();
        assertThat(store.registerBroker(new BrokerInfo(id, List.of(BrokerEndpoint.plaintext("127.0.0.1", 19710 + id)),
                Optional.empty()))).isInstanceOf(RegistrationOutcome.Registered.class);
        sessions.put(id, store);
        return store;
    }

    private void startThreeBrokers() {
        for (int id = 1; id <= 3; id++) {
            startBroker(id);
        }
    }

    /** Brokers 1, 2 and 3 registered, broker 1 the controller, and {@code topic} created with its first states. */
    private Controller controllerWithTopic(String topic, Map<Integer, List<Integer>> replicas) {
        startThreeBrokers();
        Controller controller = activeController(1);
        createTopic(topic, replicas);
        controller.onTopicsChanged();
        return controller;
    }

    private Controller controllerOn(int id, ControllerSettings settings) {
        Controller controller = new Controller(id, sessions.get(id), channel, settings, clock, () -> {
        });
        controllers.add(controller);
        return controller;
    }

    private Controller activeController(int id) {
        Controller controller = controllerOn(id, new ControllerSettings(false, false, 10, 300_000));
        assertThat(controller.elect()).isTrue();
        return controller;
    }

    private void createTopic(String name, Map<Integer, List<Integer>> replicas) {
        assertThat(sessions.values().iterator().next().createTopic(new TopicAssignment(name, UUID.randomUUID(), replicas)).written())
                .isTrue();
    }

    private PartitionState stored(String topic, int partition) {
        return sessions.values().iterator().next().partitionState(topic, partition).orElseThrow().value();
    }

    @Test
    void aNewTopicGetsItsFirstLiveReplicaAsLeaderAndEveryReplicaHearsOfIt() {
        startThreeBrokers();
        Controller controller = activeController(1);
        channel.clear();

        createTopic("orders", Map.of(0, List.of(2, 3), 1, List.of(3, 1)));
        controller.onTopicsChanged();

        int epoch = controller.lease().orElseThrow().epoch();
        assertThat(stored("orders", 0)).isEqualTo(new PartitionState(2, 0, List.of(2, 3), epoch));
        assertThat(stored("orders", 1)).isEqualTo(new PartitionState(3, 0, List.of(3, 1), epoch));
        // every live broker learns the metadata; replicas get LeaderAndIsr for their partitions only
        for (int b = 1; b <= 3; b++) {
            assertThat(channel.to(b, ControlMessage.UpdateMetadata.class)).hasSize(1);
        }
        assertThat(channel.to(2, ControlMessage.LeaderAndIsr.class)).singleElement()
                .satisfies(m -> assertThat(m.partitions()).extracting(PartitionLeaderInfo::partition)
                        .containsExactly(new TopicPartition("orders", 0)));
        assertThat(channel.to(3, ControlMessage.LeaderAndIsr.class).get(0).partitions()).hasSize(2);
        assertThat(channel.to(1, ControlMessage.LeaderAndIsr.class).get(0).controllerEpoch()).isEqualTo(epoch);
    }

    @Test
    void aFailedLeaderIsReplacedFromTheIsrWithTheNextEpochAndMetadataGoesOutBeforeLeaderAndIsr() {
        Controller controller = controllerWithTopic("t", Map.of(0, List.of(2, 3, 1)));
        channel.clear();

        sessions.remove(2).close();
        controller.onBrokersChanged();

        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(3, 1, List.of(3, 1));
        assertThat(channel.removed).containsExactly(2);
        assertThat(channel.sent).noneMatch(s -> s.brokerId() == 2);
        for (int b : List.of(1, 3)) {
            List<ControlMessage> toB = channel.sent.stream().filter(s -> s.brokerId() == b).map(RecordingControlChannel.Sent::message).toList();
            assertThat(toB).hasSize(2);
            assertThat(toB.get(0)).isInstanceOf(ControlMessage.UpdateMetadata.class);
            assertThat(toB.get(1)).isInstanceOf(ControlMessage.LeaderAndIsr.class);
            assertThat(((ControlMessage.UpdateMetadata) toB.get(0)).liveBrokers()).extracting(r -> r.id()).containsExactly(1, 3);
        }
    }

    @Test
    void theLastIsrMemberKeepsItsPlaceAndLeadsAgainWhenItComesBack() {
        startBroker(1);
        startBroker(2);
        Controller controller = activeController(1);
        createTopic("t", Map.of(0, List.of(2)));
        controller.onTopicsChanged();

        sessions.remove(2).close();
        controller.onBrokersChanged();
        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(-1, 1, List.of(2));

        channel.clear();
        startBroker(2);
        controller.onBrokersChanged();
        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(2, 2, List.of(2));
        // the returning broker gets the full metadata and its partitions
        assertThat(channel.to(2, ControlMessage.UpdateMetadata.class).get(0).partitions()).hasSize(1);
        assertThat(channel.to(2, ControlMessage.LeaderAndIsr.class).get(0).partitions().get(0).leader()).isEqualTo(2);
    }

    @Test
    void aTopicsUncleanLeaderElectionOverrideWinsOverTheBrokerSetting() {
        startThreeBrokers();
        Controller controller = activeController(1); // broker setting: no unclean elections
        createTopic("lossy", Map.of(0, List.of(2, 3)));
        createTopic("safe", Map.of(0, List.of(2, 3)));
        sessions.get(1).setConfig(dev.sluice.api.cluster.ConfigEntity.topic("lossy"),
                Map.of("unclean.leader.election.enable", "true"));
        controller.onTopicsChanged();
        for (String topic : List.of("lossy", "safe")) { // broker 3 falls out of sync
            int version = sessions.get(1).partitionState(topic, 0).orElseThrow().version();
            assertThat(controller.alterPartition(2, -1, new TopicPartition(topic, 0), 0, version, List.of(2)).error())
                    .isEqualTo(Errors.NONE);
        }

        sessions.remove(2).close();
        controller.onBrokersChanged();

        assertThat(stored("lossy", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(3, 1, List.of(3));
        assertThat(stored("safe", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(-1, 1, List.of(2));
    }

    @Test
    void allowingUncleanElectionsAtRunTimeGivesLeaderlessPartitionsALeaderAtOnce() {
        Controller controller = controllerWithTopic("t", Map.of(0, List.of(2, 3)));
        int version = sessions.get(1).partitionState("t", 0).orElseThrow().version();
        assertThat(controller.alterPartition(2, -1, new TopicPartition("t", 0), 0, version, List.of(2)).error())
                .isEqualTo(Errors.NONE);
        sessions.remove(2).close();
        controller.onBrokersChanged();
        assertThat(stored("t", 0).leader()).isEqualTo(-1);
        channel.clear();

        controller.settingsChanged(new ControllerSettings(true, false, 10, 300_000));

        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(3, 2, List.of(3));
        assertThat(channel.to(3, ControlMessage.LeaderAndIsr.class)).hasSize(1);
    }

    @Test
    void aBouncedBrokerIsHandledAsFailedThenStarted() {
        startBroker(1);
        InProcessMetadataStore two = startBroker(2);
        Controller controller = activeController(1);
        createTopic("t", Map.of(0, List.of(2, 1)));
        controller.onTopicsChanged();
        assertThat(stored("t", 0).leader()).isEqualTo(2);

        // broker 2 restarts quickly: a new registration (new epoch) before the controller looks
        two.close();
        sessions.remove(2);
        startBroker(2);
        channel.clear();
        controller.onBrokersChanged();

        PartitionState after = stored("t", 0);
        assertThat(after.leader()).as("leadership left the old incarnation").isEqualTo(1);
        assertThat(after.leaderEpoch()).isEqualTo(1);
        long newEpoch = sessions.get(2).liveBrokers().get(2).epoch();
        assertThat(channel.to(2, ControlMessage.LeaderAndIsr.class)).allSatisfy(m -> assertThat(m.brokerEpoch()).isEqualTo(newEpoch));
    }

    @Test
    void aDeposedControllersWritesAreRefusedAndItResignsWithoutSendingAnything() {
        startThreeBrokers();
        Controller old = activeController(1);
        createTopic("t", Map.of(0, List.of(1, 2, 3)));
        old.onTopicsChanged();

        // the old controller's session expires; broker 3 wins the next election
        sessions.get(1).expireSession();
        Controller fresh = controllerOn(3, new ControllerSettings(false, false, 10, 300_000));
        assertThat(fresh.elect()).isTrue();
        assertThat(fresh.lease().orElseThrow().epoch()).isGreaterThan(old.lease().orElseThrow().epoch());
        PartitionState byNew = stored("t", 0);
        assertThat(byNew.leader()).isEqualTo(2);

        // the zombie still believes it is in charge and reacts to broker 3 going away
        channel.clear();
        sessions.remove(3).close();
        old.onBrokersChanged();
        assertThat(old.isActive()).isFalse();
        assertThat(channel.sent).as("nothing sent for a refused write").isEmpty();
        assertThat(stored("t", 0).controllerEpoch()).isEqualTo(fresh.lease().orElseThrow().epoch());
    }

    @Test
    void controlledShutdownMovesLeadershipAwayAndReportsWhatCannotMove() {
        Controller controller = controllerWithTopic("t", Map.of(0, List.of(2, 3), 1, List.of(3, 2), 2, List.of(2)));
        channel.clear();

        long epoch2 = sessions.get(2).liveBrokers().get(2).epoch();
        ShutdownResult result = controller.controlledShutdown(2, epoch2);

        assertThat(result.error()).isEqualTo(Errors.NONE);
        assertThat(result.remaining()).isEmpty(); // t-2 has one replica: nothing to move, not reported (as Kafka)
        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::isr).containsExactly(3, List.of(3));
        assertThat(stored("t", 1)).extracting(PartitionState::leader, PartitionState::isr).containsExactly(3, List.of(3));
        assertThat(stored("t", 2).leader()).isEqualTo(2);
        assertThat(channel.to(2, ControlMessage.StopReplica.class)).singleElement()
                .satisfies(m -> assertThat(m.delete()).isFalse());

        assertThat(controller.controlledShutdown(2, epoch2 - 1).error()).isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(controller.controlledShutdown(9, 0).error()).isEqualTo(Errors.BROKER_NOT_AVAILABLE);
    }

    @Test
    void aBrokerLeavingAfterItsControlledShutdownIsAnnouncedThoughNoPartitionChanges() {
        // leaders wait for caught-up followers of live brokers (the high watermark): if the others never
        // learn that a broker left, acks=all stalls for replica.lag.time.max.ms (RepeatedFailoverTest)
        Controller controller = controllerWithTopic("t", Map.of(0, List.of(2, 3, 1)));
        assertThat(controller.controlledShutdown(2, sessions.get(2).liveBrokers().get(2).epoch()).error())
                .isEqualTo(Errors.NONE);
        channel.clear();

        sessions.remove(2).close();
        controller.onBrokersChanged();

        for (int b : List.of(1, 3)) {
            assertThat(channel.to(b, ControlMessage.UpdateMetadata.class)).singleElement().satisfies(m -> {
                assertThat(m.liveBrokers()).extracting(r -> r.id()).containsExactly(1, 3);
                assertThat(m.partitions()).isEmpty();
            });
            assertThat(channel.to(b, ControlMessage.LeaderAndIsr.class)).isEmpty();
        }
    }

    @Test
    void controlledShutdownKeepsLeadershipWithNoOtherInSyncReplica() {
        Controller controller = controllerWithTopic("t", Map.of(0, List.of(2, 3)));
        sessions.remove(3).close();
        controller.onBrokersChanged();

        ShutdownResult result = controller.controlledShutdown(2, -1);

        assertThat(result.error()).isEqualTo(Errors.NONE);
        assertThat(result.remaining()).containsExactly(new TopicPartition("t", 0));
        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::isr).containsExactly(2, List.of(2));
    }

    @Test
    void electLeadersAnswersPerPartition() {
        startBroker(1);
        startBroker(2);
        Controller controller = activeController(1);
        createTopic("t", Map.of(0, List.of(2, 1), 1, List.of(1, 2)));
        controller.onTopicsChanged();
        // broker 2 fails: t-0 moves to 1; then returns (not in the ISR until it catches up)
        sessions.remove(2).close();
        controller.onBrokersChanged();
        startBroker(2);
        controller.onBrokersChanged();

        TopicPartition t0 = new TopicPartition("t", 0);
        TopicPartition t1 = new TopicPartition("t", 1);
        TopicPartition missing = new TopicPartition("nope", 0);
        var preferred = controller.electLeaders(ElectionType.PREFERRED, List.of(t0, t1, missing));
        assertThat(preferred.get(t0).error()).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);
        assertThat(preferred.get(t1).error()).isEqualTo(Errors.ELECTION_NOT_NEEDED);
        assertThat(preferred.get(missing).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(controller.electLeaders(ElectionType.UNCLEAN, List.of(t0)).get(t0).error()).isEqualTo(Errors.ELECTION_NOT_NEEDED);
    }

    @Test
    void anUncleanElectionBringsBackAPartitionWhoseIsrIsGone() {
        Controller controller = controllerWithTopic("t", Map.of(0, List.of(2, 3)));
        sessions.remove(3).close();
        controller.onBrokersChanged();
        sessions.remove(2).close();
        controller.onBrokersChanged();
        startBroker(3);
        controller.onBrokersChanged();
        PartitionState offline = stored("t", 0);
        assertThat(offline.leader()).as("3 is not in the ISR: no clean election").isEqualTo(-1);
        assertThat(offline.isr()).containsExactly(2);

        TopicPartition t0 = new TopicPartition("t", 0);
        assertThat(controller.electLeaders(ElectionType.UNCLEAN, List.of(t0)).get(t0)).isEqualTo(PartitionResult.OK);
        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(3, offline.leaderEpoch() + 1, List.of(3));
    }

    @Test
    void theImbalanceCheckRunsOnTheSchedulerAndGivesLeadershipBack() {
        startBroker(1);
        startBroker(2);
        List<Controller> holder = new ArrayList<>();
        Controller controller = new Controller(1, sessions.get(1), channel, new ControllerSettings(false, true, 10, 1_000),
                clock, () -> holder.get(0).checkLeaderImbalance());
        holder.add(controller);
        controllers.add(controller);
        assertThat(controller.elect()).isTrue();
        createTopic("t", Map.of(0, List.of(2, 1), 1, List.of(1, 2)));
        controller.onTopicsChanged();
        // 2 fails and returns; the leader of t-0 is now 1. Put 2 back in the ISR as its leader would.
        sessions.remove(2).close();
        controller.onBrokersChanged();
        startBroker(2);
        controller.onBrokersChanged();
        PartitionState moved = stored("t", 0);
        assertThat(moved.leader()).isEqualTo(1);
        int version = sessions.get(1).partitionState("t", 0).orElseThrow().version();
        assertThat(sessions.get(1).updatePartitionState(controller.lease().orElseThrow(), "t", 0,
                new PartitionState(1, moved.leaderEpoch(), List.of(1, 2), moved.controllerEpoch()), version).written()).isTrue();
        controller.onPartitionStateChanged("t", 0);

        clock.advance(999);
        assertThat(stored("t", 0).leader()).isEqualTo(1);
        clock.advance(1);
        assertThat(stored("t", 0).leader()).as("preferred leader back after the check interval").isEqualTo(2);
        assertThat(stored("t", 0).leaderEpoch()).isEqualTo(moved.leaderEpoch() + 1);
    }

    @Test
    void deletingATopicStopsAndDeletesItsReplicasThenRemovesIt() {
        startBroker(1);
        startBroker(2);
        Controller controller = activeController(1);
        createTopic("gone", Map.of(0, List.of(1, 2), 1, List.of(2, 1)));
        controller.onTopicsChanged();
        channel.clear();

        sessions.get(2).requestTopicDeletion("gone");
        controller.onTopicDeletionRequested();

        assertThat(sessions.get(1).topicNames()).doesNotContain("gone");
        assertThat(sessions.get(1).topicDeletionRequests()).isEmpty();
        for (int b : List.of(1, 2)) {
            assertThat(channel.to(b, ControlMessage.StopReplica.class)).singleElement()
                    .satisfies(m -> assertThat(m.delete()).isTrue())
                    .satisfies(m -> assertThat(m.partitions()).hasSize(2));
            assertThat(channel.to(b, ControlMessage.UpdateMetadata.class).get(0).deleted()).hasSize(2);
        }
        assertThat(controller.partitionStates()).isEmpty();
    }

    @Test
    void aNewControllerReadsTheClusterAndElectsLeadersForPartitionsThatLostThemMeanwhile() {
        startThreeBrokers();
        Controller first = activeController(1);
        createTopic("t", Map.of(0, List.of(1, 2), 1, List.of(3, 2)));
        first.onTopicsChanged();

        // broker 1 (leader of t-0 and the controller) dies; broker 2 takes over
        sessions.remove(1).close();
        channel.clear();
        Controller second = activeController(2);

        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::isr).containsExactly(2, List.of(2));
        assertThat(stored("t", 1).leader()).isEqualTo(3);
        assertThat(second.partitionStates()).hasSize(2);
        for (int b : List.of(2, 3)) {
            assertThat(channel.to(b, ControlMessage.UpdateMetadata.class).get(0).partitions()).hasSize(2);
        }
        assertThat(Set.copyOf(channel.removed)).isEmpty();
    }

    @Test
    void aWriteOnAStaleVersionReadsThePartitionAgainAndDecidesOnWhatIsThere() {
        Controller controller = controllerWithTopic("t", Map.of(0, List.of(1, 2, 3)));
        // someone else shrinks the ISR to [1, 2] behind the controller's back (no event delivered)
        var current = sessions.get(1).partitionState("t", 0).orElseThrow();
        assertThat(sessions.get(1).updatePartitionState(controller.lease().orElseThrow(), "t", 0,
                new PartitionState(1, 1, List.of(1, 2), current.value().controllerEpoch()), current.version()).written()).isTrue();

        sessions.remove(2).close();
        controller.onBrokersChanged();

        // decided on the fresh state: [1, 2] minus 2, with the epoch after the other writer's
        assertThat(stored("t", 0)).extracting(PartitionState::leader, PartitionState::leaderEpoch, PartitionState::isr)
                .containsExactly(1, 2, List.of(1));
    }

    @Test
    void alterPartitionFromTheLeaderWritesTheIsrKeepingTheLeaderEpoch() {
        startBroker(1);
        startBroker(2);
        Controller controller = activeController(1);
        createTopic("t", Map.of(0, List.of(1, 2)));
        controller.onTopicsChanged();
        sessions.remove(2).close();
        controller.onBrokersChanged();
        startBroker(2);
        controller.onBrokersChanged();
        var before = sessions.get(1).partitionState("t", 0).orElseThrow();
        assertThat(before.value().isr()).containsExactly(1);
        channel.clear();
        TopicPartition tp = new TopicPartition("t", 0);

        AlterPartitionResult result = controller.alterPartition(1, -1, tp, before.value().leaderEpoch(), before.version(), List.of(1, 2));

        assertThat(result.error()).isEqualTo(Errors.NONE);
        PartitionState after = stored("t", 0);
        assertThat(after.isr()).containsExactly(1, 2);
        assertThat(after.leaderEpoch()).isEqualTo(before.value().leaderEpoch());
        assertThat(result.state().orElseThrow().partitionEpoch()).isGreaterThan(before.version());
        assertThat(channel.to(2, ControlMessage.LeaderAndIsr.class)).isNotEmpty();
        // the same request again names a version that is gone
        assertThat(controller.alterPartition(1, -1, tp, before.value().leaderEpoch(), before.version(), List.of(1, 2)).error())
                .isEqualTo(Errors.INVALID_UPDATE_VERSION);
    }

    @Test
    void underRandomFailuresAndRestartsEveryWrittenStateKeepsTheInvariants() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(19);
        for (int b = 1; b <= 5; b++) {
            startBroker(b);
        }
        Controller controller = activeController(1);
        createTopic("t", Map.of(0, List.of(2, 3, 4), 1, List.of(3, 4, 5), 2, List.of(4, 5, 2), 3, List.of(5, 2, 3)));
        controller.onTopicsChanged();
        Map<Integer, Integer> lastEpoch = new TreeMap<>();
        for (int step = 0; step < 300; step++) {
            int b = 2 + random.nextInt(4); // broker 1 (the controller) stays up
            if (sessions.containsKey(b)) {
                sessions.remove(b).close();
            } else {
                startBroker(b);
            }
            controller.onBrokersChanged();
            Set<Integer> live = sessions.get(1).liveBrokers().keySet();
            for (int p = 0; p < 4; p++) {
                PartitionState s = stored("t", p);
                assertThat(s.isr()).as("ISR never empty").isNotEmpty();
                assertThat(s.leaderEpoch()).as("leader epoch never goes back").isGreaterThanOrEqualTo(lastEpoch.getOrDefault(p, 0));
                lastEpoch.put(p, s.leaderEpoch());
                if (s.leader() != -1) {
                    assertThat(s.isr()).contains(s.leader());
                    assertThat(live).as("the leader is live").contains(s.leader());
                    assertThat(live).as("the ISR holds live members only while it leads").containsAll(s.isr());
                } else {
                    assertThat(live).as("no leader only while no ISR member is live").doesNotContainAnyElementsOf(s.isr());
                }
            }
        }
    }
}

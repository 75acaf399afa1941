package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaderElectionTest {

    private static PartitionLeadership state(List<Integer> replicas, int leader, int epoch, List<Integer> isr) {
        return new PartitionLeadership(replicas, leader, epoch, isr);
    }

    private static PartitionLeadership changed(PartitionChange change) {
        assertThat(change).isInstanceOf(PartitionChange.Changed.class);
        return ((PartitionChange.Changed) change).state();
    }

    private static PartitionLeadership elected(Election election) {
        assertThat(election).isInstanceOf(Election.Elected.class);
        return ((Election.Elected) election).state();
    }

    private static Errors error(Election election) {
        assertThat(election).isInstanceOf(Election.NotElected.class);
        return ((Election.NotElected) election).error();
    }

    @Test
    void aStateWithAnEmptyIsrOrALeaderOutsideItCannotExist() {
        assertThatThrownBy(() -> state(List.of(1, 2), -1, 0, List.of())).hasMessageContaining("never empty");
        assertThatThrownBy(() -> state(List.of(1, 2), 2, 0, List.of(1))).hasMessageContaining("not in the ISR");
        assertThatThrownBy(() -> state(List.of(1, 2), 1, 0, List.of(1, 3))).hasMessageContaining("not a set of replicas");
    }

    @Test
    void aNewPartitionIsLedByItsFirstLiveReplica() {
        assertThat(elected(LeaderElection.newPartition(List.of(2, 3, 1), Set.of(1, 2, 3), 0)))
                .isEqualTo(state(List.of(2, 3, 1), 2, 0, List.of(2, 3, 1)));
        assertThat(elected(LeaderElection.newPartition(List.of(2, 3, 1), Set.of(1, 3), 4)))
                .isEqualTo(state(List.of(2, 3, 1), 3, 4, List.of(3, 1)));
        assertThat(error(LeaderElection.newPartition(List.of(2, 3), Set.of(1), 0))).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
    }

    @Test
    void aFailedLeaderIsReplacedFromTheIsrInReplicaOrderWithTheNextEpoch() {
        PartitionLeadership before = state(List.of(1, 2, 3), 1, 5, List.of(1, 3, 2));
        PartitionLeadership after = changed(LeaderElection.afterBrokerChange(before, Set.of(2, 3), false));
        assertThat(after).isEqualTo(state(List.of(1, 2, 3), 2, 6, List.of(3, 2)));
    }

    @Test
    void aReplicaOutsideTheIsrIsNotElectedUnlessUncleanElectionIsEnabled() {
        PartitionLeadership before = state(List.of(1, 2, 3), 1, 5, List.of(1));
        PartitionLeadership clean = changed(LeaderElection.afterBrokerChange(before, Set.of(2, 3), false));
        assertThat(clean).isEqualTo(state(List.of(1, 2, 3), -1, 6, List.of(1)));

        PartitionChange unclean = LeaderElection.afterBrokerChange(before, Set.of(2, 3), true);
        assertThat(unclean).isEqualTo(new PartitionChange.Changed(state(List.of(1, 2, 3), 2, 6, List.of(2)), true));
    }

    @Test
    void theLastIsrMemberStaysInTheIsrWhenItFailsAndLeadsAgainWhenItReturns() {
        PartitionLeadership led = state(List.of(1, 2), 1, 0, List.of(1, 2));
        PartitionLeadership followerGone = changed(LeaderElection.afterBrokerChange(led, Set.of(1), false));
        assertThat(followerGone).isEqualTo(state(List.of(1, 2), 1, 1, List.of(1)));

        PartitionLeadership leaderless = changed(LeaderElection.afterBrokerChange(followerGone, Set.of(), false));
        assertThat(leaderless).isEqualTo(state(List.of(1, 2), -1, 2, List.of(1)));

        // 2 comes back first: it is not in the ISR, so the partition stays without a leader
        assertThat(LeaderElection.afterBrokerChange(leaderless, Set.of(2), false)).isEqualTo(PartitionChange.UNCHANGED);
        // 1 comes back: it holds every acknowledged record and leads
        assertThat(changed(LeaderElection.afterBrokerChange(leaderless, Set.of(1, 2), false)))
                .isEqualTo(state(List.of(1, 2), 1, 3, List.of(1)));
    }

    @Test
    void anIsrWhoseMembersAllFailAtOnceIsKeptSoWhicheverReturnsFirstLeads() {
        PartitionLeadership before = state(List.of(1, 2, 3), 1, 0, List.of(1, 2));
        PartitionLeadership after = changed(LeaderElection.afterBrokerChange(before, Set.of(3), false));
        assertThat(after).isEqualTo(state(List.of(1, 2, 3), -1, 1, List.of(1, 2)));
        assertThat(changed(LeaderElection.afterBrokerChange(after, Set.of(2, 3), false)))
                .isEqualTo(state(List.of(1, 2, 3), 2, 2, List.of(2)));
    }

    @Test
    void aFailedFollowerLeavesTheIsrAndNothingElseChangesForReplicasOutsideIt() {
        PartitionLeadership before = state(List.of(1, 2, 3), 1, 7, List.of(1, 2));
        assertThat(changed(LeaderElection.afterBrokerChange(before, Set.of(1, 3), false)))
                .isEqualTo(state(List.of(1, 2, 3), 1, 8, List.of(1)));
        assertThat(LeaderElection.afterBrokerChange(before, Set.of(1, 2), false)).isEqualTo(PartitionChange.UNCHANGED);
    }

    @Test
    void controlledShutdownMovesLeadershipToALiveIsrMemberAndDropsTheBrokerFromTheIsr() {
        PartitionLeadership led = state(List.of(1, 2, 3), 1, 3, List.of(1, 2, 3));
        assertThat(changed(LeaderElection.controlledShutdown(led, Set.of(1, 2, 3), Set.of(1))))
                .isEqualTo(state(List.of(1, 2, 3), 2, 4, List.of(2, 3)));
        // a follower in the ISR leaves it
        assertThat(changed(LeaderElection.controlledShutdown(led, Set.of(1, 2, 3), Set.of(3))))
                .isEqualTo(state(List.of(1, 2, 3), 1, 4, List.of(1, 2)));
        // not in the ISR: nothing to do
        assertThat(LeaderElection.controlledShutdown(state(List.of(1, 2, 3), 1, 3, List.of(1, 2)), Set.of(1, 2, 3), Set.of(3)))
                .isEqualTo(PartitionChange.UNCHANGED);
    }

    @Test
    void controlledShutdownKeepsLeadershipWhenNoOtherIsrMemberCanTakeIt() {
        PartitionLeadership alone = state(List.of(1, 2), 1, 3, List.of(1));
        assertThat(LeaderElection.controlledShutdown(alone, Set.of(1, 2), Set.of(1))).isEqualTo(PartitionChange.UNCHANGED);
        PartitionLeadership otherDown = state(List.of(1, 2), 1, 3, List.of(1, 2));
        assertThat(LeaderElection.controlledShutdown(otherDown, Set.of(1), Set.of(1))).isEqualTo(PartitionChange.UNCHANGED);
        // two brokers shutting down together: the third takes over
        PartitionLeadership three = state(List.of(1, 2, 3), 1, 0, List.of(1, 2, 3));
        assertThat(changed(LeaderElection.controlledShutdown(three, Set.of(1, 2, 3), Set.of(1, 2))))
                .isEqualTo(state(List.of(1, 2, 3), 3, 1, List.of(3)));
    }

    @Test
    void preferredElectionMovesLeadershipBackToTheFirstReplica() {
        PartitionLeadership moved = state(List.of(1, 2, 3), 2, 4, List.of(2, 3, 1));
        assertThat(elected(LeaderElection.preferred(moved, Set.of(1, 2, 3))))
                .isEqualTo(state(List.of(1, 2, 3), 1, 5, List.of(2, 3, 1)));
    }

    @Test
    void preferredElectionAnswersKafkasErrorCodes() {
        PartitionLeadership atPreferred = state(List.of(1, 2), 1, 4, List.of(1, 2));
        assertThat(error(LeaderElection.preferred(atPreferred, Set.of(1, 2)))).isEqualTo(Errors.ELECTION_NOT_NEEDED);
        PartitionLeadership preferredOutOfIsr = state(List.of(1, 2), 2, 4, List.of(2));
        assertThat(error(LeaderElection.preferred(preferredOutOfIsr, Set.of(1, 2)))).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);
        PartitionLeadership preferredDown = state(List.of(1, 2), 2, 4, List.of(2, 1));
        assertThat(error(LeaderElection.preferred(preferredDown, Set.of(2)))).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);
    }

    @Test
    void uncleanElectionOnlyActsOnPartitionsWithoutALiveLeader() {
        assertThat(error(LeaderElection.unclean(state(List.of(1, 2), 1, 0, List.of(1)), Set.of(1, 2))))
                .isEqualTo(Errors.ELECTION_NOT_NEEDED);

        PartitionLeadership leaderless = state(List.of(1, 2, 3), -1, 6, List.of(1));
        Election election = LeaderElection.unclean(leaderless, Set.of(3));
        assertThat(election).isEqualTo(new Election.Elected(state(List.of(1, 2, 3), 3, 7, List.of(3)), true));

        // a live ISR member is still preferred over an out-of-sync replica
        PartitionLeadership deadLeader = state(List.of(1, 2, 3), 1, 6, List.of(1, 3));
        assertThat(LeaderElection.unclean(deadLeader, Set.of(2, 3)))
                .isEqualTo(new Election.Elected(state(List.of(1, 2, 3), 3, 7, List.of(3)), false));

        assertThat(error(LeaderElection.unclean(leaderless, Set.of()))).isEqualTo(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE);
    }

    @Test
    void everyChangeRaisesTheEpochByOneAndNeverEmptiesTheIsrUnderRandomFailures() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int trial = 0; trial < 2000; trial++) {
            PartitionLeadership state = elected(LeaderElection.newPartition(List.of(1, 2, 3), Set.of(1, 2, 3), 0));
            boolean unclean = random.nextBoolean();
            for (int step = 0; step < 20; step++) {
                Set<Integer> live = new java.util.HashSet<>();
                for (int b = 1; b <= 3; b++) {
                    if (random.nextInt(3) > 0) {
                        live.add(b);
                    }
                }
                PartitionChange change = LeaderElection.afterBrokerChange(state, live, unclean);
                if (change instanceof PartitionChange.Changed c) {
                    assertThat(c.state().leaderEpoch()).isEqualTo(state.leaderEpoch() + 1);
                    assertThat(c.state().isr()).isNotEmpty();
                    if (!c.unclean() && c.state().hasLeader()) {
                        assertThat(state.isr()).as("clean leader from the ISR").contains(c.state().leader());
                    }
                    if (c.state().hasLeader()) {
                        assertThat(live).contains(c.state().leader());
                    }
                    state = c.state();
                } else {
                    // unchanged only when nothing is left to do: a live leader with a live ISR, or no eligible leader
                    assertThat(state.leaderIn(live) || !state.hasLeader()).isTrue();
                }
            }
        }
    }
}

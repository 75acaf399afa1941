package dev.sluice.broker.group;

import dev.sluice.api.testing.ManualClock;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rebalance state machine's deadlines on a manual clock: the coordinator's timers run on the
 * test thread when the test moves time, so each deadline is checked to the millisecond, without
 * sleeping.
 */
class RebalancerTest {
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final String GROUP = "g";

    private final ManualClock clock = new ManualClock();
    private GroupCoordinator coordinator;

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private GroupCoordinator coordinator(int initialDelayMs) {
        coordinator = new GroupCoordinator(new GroupConfig(1000, 60_000, initialDelayMs, 3_600_000, 600_000, 4096),
                new MemoryOffsetStore(), clock, clock);
        return coordinator;
    }

    /** Sends a JoinGroup; the answer lands in the returned reference whenever the coordinator gives it. */
    private AtomicReference<JoinResult> join(String memberId, String instanceId, int rebalanceMs) {
        AtomicReference<JoinResult> answer = new AtomicReference<>();
        coordinator.join(new JoinRequest(GROUP, memberId, instanceId, "client", "/127.0.0.1", SESSION_MS, rebalanceMs,
                "consumer", List.of(new JoinProtocol("range", new byte[]{1})), false, false), answer::set);
        return answer;
    }

    private SyncResult sync(JoinResult joined, Map<String, byte[]> assignments) {
        AtomicReference<SyncResult> answer = new AtomicReference<>();
        coordinator.sync(GROUP, joined.generationId(), joined.memberId(), null, null, null, assignments, answer::set);
        return answer.get();
    }

    /** One member joins an empty group (no initial delay) and syncs: a stable generation. */
    private JoinResult stableGroupOfOne(String instanceId) {
        coordinator(0);
        JoinResult joined = join("", instanceId, REBALANCE_MS).get();
        assertThat(joined.error()).isEqualTo(Errors.NONE);
        assertThat(sync(joined, Map.of(joined.memberId(), new byte[]{7})).error()).isEqualTo(Errors.NONE);
        return joined;
    }

    private String state() {
        return new GroupAdmin(coordinator).describe(GROUP).state();
    }

    @Test
    void anEmptyGroupWaitsTheInitialDelayAndEachNewJoinerExtendsIt() {
        coordinator(3_000);
        AtomicReference<JoinResult> first = join("", null, 10_000);
        clock.advance(2_000);
        AtomicReference<JoinResult> second = join("", null, 10_000); // joins during the delay
        clock.advance(999);
        assertThat(first.get()).isNull();
        clock.advance(1); // t=3000: the delay ends, but a member joined, so it waits another 3000
        assertThat(first.get()).isNull();
        clock.advance(2_999);
        assertThat(first.get()).isNull();
        assertThat(second.get()).isNull();
        clock.advance(1); // t=6000
        assertThat(first.get().error()).isEqualTo(Errors.NONE);
        assertThat(second.get().generationId()).isEqualTo(1).isEqualTo(first.get().generationId());
        JoinResult leader = first.get().leaderId().equals(first.get().memberId()) ? first.get() : second.get();
        assertThat(leader.members()).hasSize(2);
    }

    @Test
    void theJoinPhaseEndsAtTheRebalanceTimeoutAndDropsMembersThatDidNotRejoin() {
        JoinResult old = stableGroupOfOne(null);
        // the old member keeps its session alive, but never rejoins
        AtomicReference<JoinResult> newcomer = join("", null, REBALANCE_MS);
        assertThat(state()).isEqualTo("PreparingRebalance");
        for (int t = 0; t < 3; t++) {
            clock.advance(SESSION_MS - 1);
            assertThat(coordinator.heartbeat(GROUP, old.memberId(), null, old.generationId()))
                    .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        }
        clock.advance(REBALANCE_MS - 3 * (SESSION_MS - 1) - 1); // one ms before the old member's rebalance timeout
        assertThat(newcomer.get()).isNull();
        clock.advance(1);
        assertThat(newcomer.get().error()).isEqualTo(Errors.NONE);
        assertThat(newcomer.get().generationId()).isEqualTo(2);
        assertThat(newcomer.get().leaderId()).isEqualTo(newcomer.get().memberId());
        assertThat(newcomer.get().members()).extracting(JoinResult.Member::memberId)
                .containsExactly(newcomer.get().memberId());
        assertThat(coordinator.heartbeat(GROUP, old.memberId(), null, old.generationId()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberIsRemovedWhenItsSessionPassesWithoutAHeartbeat() {
        JoinResult member = stableGroupOfOne(null);
        clock.advance(SESSION_MS - 1);
        assertThat(coordinator.heartbeat(GROUP, member.memberId(), null, member.generationId())).isEqualTo(Errors.NONE);
        clock.advance(SESSION_MS - 1); // the heartbeat renewed the session
        assertThat(state()).isEqualTo("Stable");
        clock.advance(1);
        assertThat(state()).isEqualTo("Empty");
        assertThat(coordinator.heartbeat(GROUP, member.memberId(), null, member.generationId()))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aRestartedStaticMemberTakesItsPlaceWithoutARebalanceAndFencesTheOldId() {
        JoinResult before = stableGroupOfOne("instance-1");
        clock.advance(SESSION_MS - 1);
        JoinResult after = join("", "instance-1", REBALANCE_MS).get();
        assertThat(after.error()).isEqualTo(Errors.NONE);
        assertThat(after.memberId()).isNotEqualTo(before.memberId());
        assertThat(after.generationId()).isEqualTo(before.generationId());
        assertThat(state()).isEqualTo("Stable");
        assertThat(coordinator.heartbeat(GROUP, before.memberId(), "instance-1", before.generationId()))
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
        // the old id's session is gone with it; the new one's runs from the rejoin
        clock.advance(SESSION_MS - 1);
        assertThat(coordinator.heartbeat(GROUP, after.memberId(), "instance-1", after.generationId())).isEqualTo(Errors.NONE);
        SyncResult assignment = sync(after, Map.of());
        assertThat(assignment.assignment()).containsExactly(7);
        clock.advance(SESSION_MS);
        assertThat(state()).isEqualTo("Empty");
    }
}

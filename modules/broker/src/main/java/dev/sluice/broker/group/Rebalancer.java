package dev.sluice.broker.group;

import dev.sluice.api.Time;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rebalance state machine of a classic group, shared by every entry point of the
 * {@link GroupCoordinator}: Empty/Stable → PreparingRebalance (collect joiners, bounded by the
 * initial delay and the rebalance timeout) → CompletingRebalance (a new generation; wait for the
 * leader's SyncGroup) → Stable. It also runs members' sessions, since an expired session is just
 * another reason to rebalance. Every method expects the caller to hold the group's lock.
 */
final class Rebalancer {
    private static final System.Logger LOG = System.getLogger(Rebalancer.class.getName());

    private final GroupConfig config;
    private final OffsetStore store;
    private final Time time;
    private final GroupTimers timers;

    Rebalancer(GroupConfig config, OffsetStore store, Time time, GroupTimers timers) {
        this.config = config;
        this.store = store;
        this.time = time;
        this.timers = timers;
    }

    /** The member's view of the current generation; the leader's includes every member's metadata. */
    JoinResult currentGeneration(ClassicGroup group, GroupMember member, boolean withMembers) {
        return new JoinResult(Errors.NONE, member.memberId, group.generationId, group.protocolType, group.protocolName,
                group.leaderId, false, withMembers ? group.currentMemberMetadata() : List.of());
    }

    void maybePrepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        } else if (!group.is(GroupState.DEAD)) {
            prepareRebalance(group, reason);
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAssignments(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.pendingSyncMembers.clear();
        boolean initial = group.is(GroupState.EMPTY) && config.initialRebalanceDelayMs() > 0;
        group.transition(GroupState.PREPARING_REBALANCE, time.milliseconds());
        LOG.log(System.Logger.Level.INFO, "group " + group.groupId + " rebalancing (generation " + group.generationId
                + "): " + reason);
        if (initial) {
            // a new group waits a little so that consumers starting together land in one generation
            group.initialDelayRunning = true;
            group.newMemberAdded = false;
            int delay = config.initialRebalanceDelayMs();
            scheduleInitialDelay(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
        } else {
            group.initialDelayRunning = false;
            timers.rebalance(group, group.rebalanceTimeoutMs(), () -> completeJoin(group));
            maybeCompleteJoin(group);
        }
    }

    private void scheduleInitialDelay(ClassicGroup group, long delay, long remaining) {
        timers.rebalance(group, delay, () -> {
            if (group.newMemberAdded && remaining > 0) {
                group.newMemberAdded = false;
                long next = Math.min(config.initialRebalanceDelayMs(), remaining);
                scheduleInitialDelay(group, next, remaining - next);
            } else {
                completeJoin(group);
            }
        });
    }

    void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelayRunning && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /** Ends the join phase: drops who did not rejoin, starts the next generation, answers the joiners. */
    private void completeJoin(ClassicGroup group) {
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        timers.cancelRebalance(group);
        group.initialDelayRunning = false;
        for (GroupMember member : new ArrayList<>(group.members.values())) {
            // static members stay until their session expires: a restarting instance keeps its place
            if (member.awaitingJoin == null && !member.isStatic()) {
                LOG.log(System.Logger.Level.INFO, "group " + group.groupId + ": removing " + member.memberId
                        + ", which did not rejoin within the rebalance timeout");
                timers.cancelSession(member);
                member.failParked(Errors.UNKNOWN_MEMBER_ID);
                group.remove(member.memberId);
            }
        }
        if (!group.members.isEmpty() && !group.electJoinedLeader()) {
            // only static members that have not rejoined are left: wait for them or their sessions
            timers.rebalance(group, group.rebalanceTimeoutMs(), () -> completeJoin(group));
            return;
        }
        group.initNextGeneration(time.milliseconds());
        if (group.is(GroupState.EMPTY)) {
            persist(group);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "group " + group.groupId + ": generation " + group.generationId + " with "
                + group.members.size() + " members, protocol " + group.protocolName + ", leader " + group.leaderId);
        for (GroupMember member : group.members.values()) {
            Consumer<JoinResult> callback = member.awaitingJoin;
            if (callback != null) {
                member.awaitingJoin = null;
                callback.accept(currentGeneration(group, member, group.isLeader(member.memberId)));
            }
            scheduleSession(group, member);
        }
        group.pendingSyncMembers.addAll(group.members.keySet());
        timers.rebalance(group, group.rebalanceTimeoutMs(), () -> expirePendingSync(group));
    }

    /** Members that got the new generation but never sent SyncGroup are removed, and the group rebalances. */
    private void expirePendingSync(ClassicGroup group) {
        if ((group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE)) && !group.pendingSyncMembers.isEmpty()) {
            List<String> missing = new ArrayList<>(group.pendingSyncMembers);
            for (String memberId : missing) {
                GroupMember member = group.member(memberId);
                if (member != null) {
                    timers.cancelSession(member);
                    member.failParked(Errors.UNKNOWN_MEMBER_ID);
                    group.remove(memberId);
                }
            }
            prepareRebalance(group, "members " + missing + " did not send SyncGroup in time");
        }
    }

    /** The assignment is void: parked SyncGroups get {@code error} and every member must rejoin. */
    private void resetAssignments(ClassicGroup group, Errors error) {
        for (GroupMember member : group.members.values()) {
            member.assignment = SyncResult.NO_ASSIGNMENT;
            Consumer<SyncResult> callback = member.awaitingSync;
            if (callback != null) {
                member.awaitingSync = null;
                callback.accept(SyncResult.error(error));
            }
        }
    }

    /** The leader's assignment: stored with the generation, then handed to every waiting member. */
    void completeSync(ClassicGroup group, Map<String, byte[]> assignments) {
        for (GroupMember member : group.members.values()) {
            member.assignment = assignments.getOrDefault(member.memberId, SyncResult.NO_ASSIGNMENT);
        }
        try {
            persist(group);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "group " + group.groupId + ": cannot store generation "
                    + group.generationId, e);
            resetAssignments(group, Errors.COORDINATOR_NOT_AVAILABLE);
            prepareRebalance(group, "storing the assignment failed");
            return;
        }
        group.transition(GroupState.STABLE, time.milliseconds());
        for (GroupMember member : group.members.values()) {
            Consumer<SyncResult> callback = member.awaitingSync;
            if (callback != null) {
                member.awaitingSync = null;
                callback.accept(new SyncResult(Errors.NONE, group.protocolType, group.protocolName, member.assignment));
            }
        }
    }

    void markSynced(ClassicGroup group, String memberId) {
        if (group.pendingSyncMembers.remove(memberId) && group.pendingSyncMembers.isEmpty()) {
            timers.cancelRebalance(group);
        }
    }

    void removeMemberAndUpdateGroup(ClassicGroup group, GroupMember member, String reason) {
        timers.cancelSession(member);
        member.failParked(Errors.UNKNOWN_MEMBER_ID);
        group.remove(member.memberId);
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> { }
        }
    }

    // ---- sessions ----

    void scheduleSession(ClassicGroup group, GroupMember member) {
        timers.session(group, member, () -> expireSession(group, member));
    }

    private void expireSession(ClassicGroup group, GroupMember member) {
        if (group.member(member.memberId) != member) {
            return;
        }
        if (member.awaitingJoin != null || member.awaitingSync != null) {
            scheduleSession(group, member); // a parked request is as good as a heartbeat
            return;
        }
        LOG.log(System.Logger.Level.INFO, "group " + group.groupId + ": session of member " + member.memberId
                + " expired (" + member.sessionTimeoutMs + " ms without a heartbeat)");
        removeMemberAndUpdateGroup(group, member, "member " + member.memberId + "'s session expired");
    }

    void persist(ClassicGroup group) {
        try {
            store.storeGroupMetadata(group.groupId, GroupMetadataCodec.encode(group));
        } catch (NotCoordinatorException e) {
            // the group moved to another coordinator meanwhile; its members will find it there
            LOG.log(System.Logger.Level.INFO, "group " + group.groupId + ": metadata not stored: " + e.getMessage());
        }
    }
}

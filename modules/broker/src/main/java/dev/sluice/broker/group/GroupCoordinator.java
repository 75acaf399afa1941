package dev.sluice.broker.group;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Kafka's classic group protocol, coordinator side: JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
 * for the groups this broker coordinates (all of them on a single node; in a cluster those of the
 * {@code __consumer_offsets} partitions it leads, restored and dropped through {@link #restoreGroups}
 * and {@link #unloadGroups} as {@link CoordinatorPartitions} follows that leadership). Clients drive the rebalances (eager or cooperative); the
 * coordinator runs the generations: it collects joiners, picks the protocol, hands the leader
 * every member's metadata, and passes the leader's assignment on.
 *
 * <p>This class holds the request entry points (validation, member bookkeeping) and the registry
 * of groups; the generations themselves are the {@link Rebalancer}'s.
 *
 * <p>Threads: each group has one lock (its monitor). Parked JoinGroup/SyncGroup requests are
 * answered later through their callbacks, from whichever thread completes the rebalance. One
 * {@link Scheduler} runs the deadlines: the initial rebalance delay, the rebalance timeout (members
 * that do not rejoin are removed), the sync timeout, and each member's session.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCoordinator.class.getName());

    private final GroupConfig config;
    private final OffsetStore store;
    private final Time time;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final GroupTimers timers;
    private final Rebalancer rebalancer;

    /** Deadlines on a timer thread of its own ({@code sluice-group-timer}). */
    public GroupCoordinator(GroupConfig config, OffsetStore store, Time time) {
        this(config, store, time, Scheduler.newThread("sluice-group-timer"));
    }

    /**
     * @param scheduler runs the group deadlines against {@code time}; owned by the coordinator from
     *                  here on (closed with it)
     */
    public GroupCoordinator(GroupConfig config, OffsetStore store, Time time, Scheduler scheduler) {
        this.config = config;
        this.store = store;
        this.time = time;
        this.timers = new GroupTimers(scheduler);
        this.rebalancer = new Rebalancer(config, store, time, timers);
    }

    /** Rebuilds the groups the store knows: members of a stored generation must heartbeat within their session. */
    public void startup() {
        int loaded = restoreGroups(group -> true);
        if (loaded > 0) {
            LOG.log(System.Logger.Level.INFO, "loaded " + loaded + " consumer groups");
        }
    }

    /**
     * Rebuilds the groups {@code mine} accepts from what the store has loaded (a partition of
     * {@code __consumer_offsets} this broker now leads). Call after the store loaded them.
     *
     * @return how many groups were restored
     */
    public int restoreGroups(Predicate<String> mine) {
        long now = time.milliseconds();
        int restored = 0;
        for (Map.Entry<String, byte[]> stored : store.loadGroupMetadata().entrySet()) {
            if (!mine.test(stored.getKey())) {
                continue;
            }
            try {
                ClassicGroup group = GroupMetadataCodec.restore(stored.getKey(), GroupMetadataCodec.decode(stored.getValue()), now);
                synchronized (group) {
                    group.members.values().forEach(member -> rebalancer.scheduleSession(group, member));
                }
                groups.put(group.groupId, group);
                restored++;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring unreadable metadata of group " + stored.getKey() + ": " + e);
            }
        }
        for (String groupId : store.groups()) {
            if (mine.test(groupId) && !groups.containsKey(groupId)) {
                groups.put(groupId, new ClassicGroup(groupId, now));
                restored++;
            }
        }
        return restored;
    }

    /**
     * Forgets the groups {@code gone} accepts: this broker no longer coordinates them (the
     * leadership of their {@code __consumer_offsets} partition moved). Parked JoinGroup/SyncGroup
     * requests answer NOT_COORDINATOR so their members look the coordinator up again; timers stop;
     * a request still holding such a group finds it Dead. Their state stays in the log for the new
     * coordinator, and members keep their ids there.
     *
     * @return how many groups were unloaded
     */
    public int unloadGroups(Predicate<String> gone) {
        int unloaded = 0;
        for (ClassicGroup group : List.copyOf(groups.values())) {
            if (!gone.test(group.groupId)) {
                continue;
            }
            synchronized (group) {
                for (GroupMember member : group.members.values()) {
                    timers.cancelSession(member);
                    member.failParked(Errors.NOT_COORDINATOR);
                }
                group.pendingMembers.clear();
                remove(group);
            }
            unloaded++;
        }
        return unloaded;
    }

    // ---- JoinGroup ----

    public void join(JoinRequest request, Consumer<JoinResult> respond) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            respond.accept(JoinResult.error(Errors.INVALID_GROUP_ID, request.memberId()));
            return;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs() || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            respond.accept(JoinResult.error(Errors.INVALID_SESSION_TIMEOUT, request.memberId()));
            return;
        }
        if (request.protocolType() == null || request.protocolType().isEmpty() || request.protocols().isEmpty()) {
            respond.accept(JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId()));
            return;
        }
        boolean unknownMember = request.memberId().isEmpty();
        ClassicGroup group = unknownMember
                ? groups.computeIfAbsent(request.groupId(), id -> new ClassicGroup(id, time.milliseconds()))
                : groups.get(request.groupId());
        if (group == null) {
            respond.accept(JoinResult.error(Errors.UNKNOWN_MEMBER_ID, request.memberId()));
            return;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                // deleted meanwhile: the client retries and finds a fresh group
                respond.accept(JoinResult.error(Errors.COORDINATOR_NOT_AVAILABLE, request.memberId()));
                return;
            }
            Set<String> names = new HashSet<>();
            request.protocols().forEach(p -> names.add(p.name()));
            if (!group.supportsProtocols(request.protocolType(), names)) {
                respond.accept(JoinResult.error(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId()));
            } else if (unknownMember) {
                joinWithoutMemberId(group, request, respond);
            } else {
                joinWithMemberId(group, request, respond);
            }
        }
    }

    private void joinWithoutMemberId(ClassicGroup group, JoinRequest request, Consumer<JoinResult> respond) {
        String instanceId = request.groupInstanceId();
        String newMemberId = (instanceId != null ? instanceId : request.clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null) {
            String oldMemberId = group.staticMembers.get(instanceId);
            if (oldMemberId != null) {
                replaceStaticMember(group, group.member(oldMemberId), newMemberId, request, respond);
            } else {
                addMemberAndRebalance(group, newMemberId, request, respond);
            }
        } else if (request.requireKnownMemberId()) {
            // KIP-394: the id is only handed out; the member joins for real when it comes back with it
            group.pendingMembers.add(newMemberId);
            timers.after(group, request.sessionTimeoutMs(), () -> {
                if (group.pendingMembers.remove(newMemberId)) {
                    rebalancer.maybeCompleteJoin(group);
                }
            });
            respond.accept(JoinResult.error(Errors.MEMBER_ID_REQUIRED, newMemberId));
        } else {
            addMemberAndRebalance(group, newMemberId, request, respond);
        }
    }

    private void joinWithMemberId(ClassicGroup group, JoinRequest request, Consumer<JoinResult> respond) {
        String memberId = request.memberId();
        if (group.pendingMembers.remove(memberId)) {
            addMemberAndRebalance(group, memberId, request, respond);
            return;
        }
        Errors invalid = group.validateMember(memberId, request.groupInstanceId());
        if (invalid != Errors.NONE) {
            respond.accept(JoinResult.error(invalid, memberId));
            return;
        }
        GroupMember member = group.member(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, request, respond);
            case COMPLETING_REBALANCE -> {
                if (member.matches(request.protocols())) {
                    // a retry of a join whose answer was lost: answer it again
                    respond.accept(rebalancer.currentGeneration(group, member, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(group, member, request, respond);
                }
            }
            case STABLE -> {
                // the leader rejoins to make the group rebalance (e.g. its subscription's metadata changed)
                if (group.isLeader(memberId) || !member.matches(request.protocols())) {
                    updateMemberAndRebalance(group, member, request, respond);
                } else {
                    respond.accept(rebalancer.currentGeneration(group, member, false));
                }
            }
            default -> respond.accept(JoinResult.error(Errors.UNKNOWN_MEMBER_ID, memberId));
        }
    }


    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest request, Consumer<JoinResult> respond) {
        GroupMember member = new GroupMember(memberId, request.groupInstanceId(), request.clientId(), request.clientHost(),
                request.sessionTimeoutMs(), request.rebalanceTimeoutMs(), request.protocols());
        member.awaitingJoin = respond;
        group.add(member, request.protocolType());
        if (group.is(GroupState.PREPARING_REBALANCE) && group.generationId == 0) {
            group.newMemberAdded = true;
        }
        rebalancer.scheduleSession(group, member);
        rebalancer.maybePrepareRebalance(group, "member " + memberId + " joined");
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinRequest request,
                                          Consumer<JoinResult> respond) {
        if (member.awaitingJoin != null) {
            // the member gave up on its earlier JoinGroup and sent a new one
            member.awaitingJoin.accept(JoinResult.error(Errors.REBALANCE_IN_PROGRESS, member.memberId));
        }
        member.protocols = List.copyOf(request.protocols());
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.awaitingJoin = respond;
        rebalancer.maybePrepareRebalance(group, "member " + member.memberId + " rejoined");
    }

    /**
     * A static member restarted (same group.instance.id, no member id): the new instance takes the
     * old one's place and assignment under a new member id and the old id is fenced. A stable group
     * whose protocol would not change carries on without a rebalance.
     */
    private void replaceStaticMember(ClassicGroup group, GroupMember old, String newMemberId, JoinRequest request,
                                     Consumer<JoinResult> respond) {
        timers.cancelSession(old);
        old.failParked(Errors.FENCED_INSTANCE_ID);
        GroupMember member = group.replaceStatic(old, newMemberId);
        member.protocols = List.copyOf(request.protocols());
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.clientId = request.clientId();
        member.clientHost = request.clientHost();
        member.awaitingJoin = respond;
        rebalancer.scheduleSession(group, member);
        LOG.log(System.Logger.Level.INFO, "group " + group.groupId + ": static member " + request.groupInstanceId()
                + " rejoined as " + newMemberId + ", replacing " + old.memberId);
        switch (group.state) {
            case STABLE -> {
                if (group.selectProtocol().equals(group.protocolName)) {
                    rebalancer.persist(group);
                    boolean leader = group.isLeader(newMemberId);
                    // v9+ (KIP-814): a returning leader gets the members but need not assign again
                    boolean skip = leader && request.supportsSkippingAssignment();
                    member.awaitingJoin = null;
                    respond.accept(new JoinResult(Errors.NONE, newMemberId, group.generationId, group.protocolType,
                            group.protocolName, group.leaderId, skip, skip ? group.currentMemberMetadata() : List.of()));
                } else {
                    rebalancer.prepareRebalance(group, "static member " + request.groupInstanceId() + " changed protocols");
                }
            }
            // its assignment is not settled yet: the leader would assign to the old id
            case COMPLETING_REBALANCE -> rebalancer.prepareRebalance(group, "static member " + request.groupInstanceId() + " rejoined");
            default -> rebalancer.maybeCompleteJoin(group);
        }
    }


    // ---- SyncGroup ----

    /** @param protocolType,protocolName v5+ only, else null */
    public void sync(String groupId, int generationId, String memberId, String instanceId, String protocolType,
                     String protocolName, Map<String, byte[]> assignments, Consumer<SyncResult> respond) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            respond.accept(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        synchronized (group) {
            Errors invalid = group.is(GroupState.DEAD) ? Errors.COORDINATOR_NOT_AVAILABLE
                    : group.validateMember(memberId, instanceId);
            if (invalid == Errors.NONE && generationId != group.generationId) {
                invalid = Errors.ILLEGAL_GENERATION;
            } else if (invalid == Errors.NONE && ((protocolType != null && !protocolType.equals(group.protocolType))
                    || (protocolName != null && !protocolName.equals(group.protocolName)))) {
                invalid = Errors.INCONSISTENT_GROUP_PROTOCOL;
            }
            if (invalid != Errors.NONE) {
                respond.accept(SyncResult.error(invalid));
                return;
            }
            GroupMember member = group.member(memberId);
            switch (group.state) {
                case PREPARING_REBALANCE -> respond.accept(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
                case COMPLETING_REBALANCE -> {
                    member.awaitingSync = respond;
                    rebalancer.markSynced(group, memberId);
                    rebalancer.scheduleSession(group, member);
                    if (group.isLeader(memberId)) {
                        rebalancer.completeSync(group, assignments);
                    }
                }
                case STABLE -> {
                    rebalancer.markSynced(group, memberId);
                    rebalancer.scheduleSession(group, member);
                    respond.accept(new SyncResult(Errors.NONE, group.protocolType, group.protocolName, member.assignment));
                }
                default -> respond.accept(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }


    // ---- Heartbeat and LeaveGroup ----

    public Errors heartbeat(String groupId, String memberId, String instanceId, int generationId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            Errors invalid = group.validateMember(memberId, instanceId);
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (generationId != group.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
            rebalancer.scheduleSession(group, group.member(memberId));
            // during the join phase the answer tells members to rejoin
            return group.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        }
    }

    /** A member leaving, named by member id, instance id or both. */
    public record LeavingMember(String memberId, String groupInstanceId) {
    }

    /** @return the group-level error, or NONE and one error per leaving member */
    public Map.Entry<Errors, List<Errors>> leave(String groupId, List<LeavingMember> leaving) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Map.entry(Errors.NONE, leaving.stream().map(m -> Errors.UNKNOWN_MEMBER_ID).toList());
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Map.entry(Errors.COORDINATOR_NOT_AVAILABLE, List.of());
            }
            List<Errors> results = new ArrayList<>(leaving.size());
            for (LeavingMember m : leaving) {
                results.add(leaveOne(group, m));
            }
            return Map.entry(Errors.NONE, results);
        }
    }

    private Errors leaveOne(ClassicGroup group, LeavingMember leaving) {
        String memberId = leaving.memberId() == null ? "" : leaving.memberId();
        if (leaving.groupInstanceId() == null) {
            if (group.pendingMembers.remove(memberId)) {
                rebalancer.maybeCompleteJoin(group);
                return Errors.NONE;
            }
            GroupMember member = group.member(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            rebalancer.removeMemberAndUpdateGroup(group, member, "member " + memberId + " left");
            return Errors.NONE;
        }
        String owner = group.staticMembers.get(leaving.groupInstanceId());
        if (owner == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!memberId.isEmpty() && !memberId.equals(owner)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        rebalancer.removeMemberAndUpdateGroup(group, group.member(owner), "static member " + leaving.groupInstanceId() + " left");
        return Errors.NONE;
    }


    // ---- for the offset and admin side ----

    ClassicGroup group(String groupId) {
        return groups.get(groupId);
    }

    ClassicGroup getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, time.milliseconds()));
    }

    Collection<ClassicGroup> groups() {
        return groups.values();
    }

    /** Marks the group Dead and forgets it; the caller holds its lock. */
    void remove(ClassicGroup group) {
        group.transition(GroupState.DEAD, time.milliseconds());
        timers.cancelRebalance(group);
        groups.remove(group.groupId, group);
    }

    OffsetStore store() {
        return store;
    }

    public GroupConfig config() {
        return config;
    }

    Time time() {
        return time;
    }

    @Override
    public void close() {
        timers.close();
    }
}

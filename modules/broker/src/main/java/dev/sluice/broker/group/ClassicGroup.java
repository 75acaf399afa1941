package dev.sluice.broker.group;

import dev.sluice.api.Scheduler;
import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one classic group: members, generation, chosen protocol, leader. Only structure
 * lives here; the {@link Rebalancer} drives its generations (join phase, sync, sessions) and the
 * {@link GroupCoordinator} its request entry points. Every field is guarded by the group's monitor
 * ({@code synchronized (group)}); its timers fire on the coordinator's {@code Scheduler} and take
 * that monitor first.
 */
final class ClassicGroup {
    final String groupId;
    GroupState state = GroupState.EMPTY;
    /** When the group entered its current state (offset expiry counts from becoming Empty). */
    long stateTimestamp;
    int generationId;
    /** "consumer", "connect", ...; null for a group that only stores offsets. */
    String protocolType;
    /** The protocol of the current generation (e.g. "range"); null when there is none. */
    String protocolName;
    String leaderId;

    /** Join order: the first joiner leads. */
    final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** group.instance.id → the member id that currently owns it. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** KIP-394: ids handed out with MEMBER_ID_REQUIRED whose owners have not joined with them yet. */
    final Set<String> pendingMembers = new HashSet<>();
    /** Members that got the new generation but have not sent SyncGroup yet. */
    final Set<String> pendingSyncMembers = new HashSet<>();

    /** Set when a member joins while the initial delay runs: the delay is extended once more. */
    boolean newMemberAdded;
    boolean initialDelayRunning;
    /** Bumped whenever a rebalance timer is replaced, so a stale timer that already fired does nothing. */
    long timerEpoch;
    Scheduler.Task rebalanceTimer;

    ClassicGroup(String groupId, long now) {
        this.groupId = groupId;
        this.stateTimestamp = now;
    }

    void transition(GroupState next, long now) {
        state = next;
        stateTimestamp = now;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    /** Kafka's member check: a static member is known by its instance id, and a stale member id under it is fenced. */
    Errors validateMember(String memberId, String instanceId) {
        if (instanceId != null) {
            String owner = staticMembers.get(instanceId);
            if (owner == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return owner.equals(memberId) ? Errors.NONE : Errors.FENCED_INSTANCE_ID;
        }
        return members.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    /** Adds a member; the first one of an empty group sets the group's protocol type. */
    void add(GroupMember member, String type) {
        if (members.isEmpty()) {
            protocolType = type;
        }
        members.put(member.memberId, member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
    }

    GroupMember remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        if (removed == null) {
            return null;
        }
        if (removed.isStatic() && memberId.equals(staticMembers.get(removed.groupInstanceId))) {
            staticMembers.remove(removed.groupInstanceId);
        }
        pendingSyncMembers.remove(memberId);
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return removed;
    }

    /** A restarted static instance takes over its old member's place (and leadership) under a new id. */
    GroupMember replaceStatic(GroupMember old, String newMemberId) {
        GroupMember replacement = old.withMemberId(newMemberId);
        Map<String, GroupMember> reordered = new LinkedHashMap<>();
        members.forEach((id, m) -> reordered.put(id.equals(old.memberId) ? newMemberId : id,
                id.equals(old.memberId) ? replacement : m));
        members.clear();
        members.putAll(reordered);
        staticMembers.put(old.groupInstanceId, newMemberId);
        if (pendingSyncMembers.remove(old.memberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        if (isLeader(old.memberId)) {
            leaderId = newMemberId;
        }
        return replacement;
    }

    /**
     * Kafka's rule for who may join: the first member sets the protocol type; later ones must
     * share it and support at least one protocol that every current member supports.
     */
    boolean supportsProtocols(String type, Set<String> protocols) {
        if (members.isEmpty()) {
            return !type.isEmpty() && !protocols.isEmpty();
        }
        return type.equals(protocolType) && candidateProtocols().stream().anyMatch(protocols::contains);
    }

    /** Protocols every member supports. */
    Set<String> candidateProtocols() {
        Set<String> candidates = null;
        for (GroupMember member : members.values()) {
            Set<String> names = new HashSet<>();
            member.protocols.forEach(p -> names.add(p.name()));
            if (candidates == null) {
                candidates = names;
            } else {
                candidates.retainAll(names);
            }
        }
        return candidates == null ? Set.of() : candidates;
    }

    /**
     * The protocol for the next generation: among those all members support, the one most members
     * name as their first choice; ties go to the leader's (then the earliest member's) preference.
     */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new HashMap<>();
        for (GroupMember member : members.values()) {
            votes.merge(member.vote(candidates), 1, Integer::sum);
        }
        int best = votes.values().stream().max(Integer::compare).orElse(0);
        List<GroupMember> byPreference = new ArrayList<>(members.values());
        GroupMember leader = leaderId == null ? null : members.get(leaderId);
        if (leader != null) {
            byPreference.remove(leader);
            byPreference.add(0, leader);
        }
        for (GroupMember member : byPreference) {
            for (JoinProtocol protocol : member.protocols) {
                if (votes.getOrDefault(protocol.name(), 0) == best) {
                    return protocol.name();
                }
            }
        }
        throw new IllegalStateException("group " + groupId + " has no members to choose a protocol");
    }

    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    boolean hasAllMembersJoined() {
        return members.values().stream().allMatch(m -> m.awaitingJoin != null) && pendingMembers.isEmpty();
    }

    /** If the leader has not rejoined, a member that has leads instead; false if none has joined. */
    boolean electJoinedLeader() {
        GroupMember leader = leaderId == null ? null : members.get(leaderId);
        if (leader != null && leader.awaitingJoin != null) {
            return true;
        }
        for (GroupMember member : members.values()) {
            if (member.awaitingJoin != null) {
                leaderId = member.memberId;
                return true;
            }
        }
        return false;
    }

    /** The members with their metadata for the current protocol: what the leader assigns from. */
    List<JoinResult.Member> currentMemberMetadata() {
        List<JoinResult.Member> list = new ArrayList<>(members.size());
        for (GroupMember member : members.values()) {
            list.add(new JoinResult.Member(member.memberId, member.groupInstanceId, member.metadata(protocolName)));
        }
        return list;
    }

    /** Next generation: the chosen protocol and CompletingRebalance, or Empty if nobody is left. */
    void initNextGeneration(long now) {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            transition(GroupState.EMPTY, now);
        } else {
            protocolName = selectProtocol();
            transition(GroupState.COMPLETING_REBALANCE, now);
        }
    }
}

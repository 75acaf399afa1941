package dev.sluice.broker.group;

import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.List;

/** ListGroups, DescribeGroups and DeleteGroups: snapshots of groups taken under each group's lock. */
public final class GroupAdmin {
    private final GroupCoordinator coordinator;

    public GroupAdmin(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    /** @param protocolType "" for a group that only stores offsets */
    public record Listing(String groupId, String protocolType, String state) {
    }

    public record MemberDescription(String memberId, String groupInstanceId, String clientId, String clientHost,
                                    byte[] metadata, byte[] assignment) {
    }

    /** @param protocolData the current protocol while Stable, else "" (as Kafka shows it) */
    public record Description(String groupId, String state, String protocolType, String protocolData,
                              List<MemberDescription> members) {
    }

    public List<Listing> list() {
        List<Listing> listings = new ArrayList<>();
        for (ClassicGroup group : coordinator.groups()) {
            synchronized (group) {
                if (!group.is(GroupState.DEAD)) {
                    listings.add(new Listing(group.groupId, group.protocolType == null ? "" : group.protocolType,
                            group.state.displayName()));
                }
            }
        }
        return listings;
    }

    /** Null if there is no such group. */
    public Description describe(String groupId) {
        ClassicGroup group = coordinator.group(groupId);
        if (group == null) {
            return null;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return null;
            }
            boolean stable = group.is(GroupState.STABLE);
            List<MemberDescription> members = new ArrayList<>();
            for (GroupMember m : group.members.values()) {
                // metadata and assignment only mean something for a settled generation
                members.add(new MemberDescription(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                        stable ? m.metadata(group.protocolName) : SyncResult.NO_ASSIGNMENT,
                        stable ? m.assignment : SyncResult.NO_ASSIGNMENT));
            }
            return new Description(groupId, group.state.displayName(), group.protocolType == null ? "" : group.protocolType,
                    stable ? group.protocolName : "", members);
        }
    }

    /** Deletes an empty group with its offsets. */
    public Errors delete(String groupId) {
        ClassicGroup group = coordinator.group(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (!group.is(GroupState.EMPTY)) {
                return Errors.NON_EMPTY_GROUP;
            }
            try {
                coordinator.store().deleteGroup(groupId);
            } catch (NotCoordinatorException e) {
                return Errors.NOT_COORDINATOR;
            }
            coordinator.remove(group);
            return Errors.NONE;
        }
    }
}

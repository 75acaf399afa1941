package dev.sluice.client.admin;

import java.util.List;

/**
 * A group's state and members, as DescribeGroups shows it.
 *
 * @param protocol    the assignor of the current generation (e.g. "range") while Stable, else ""
 * @param coordinator the broker that coordinates the group (FindCoordinator's answer), or null
 */
public record GroupDescription(String groupId, String state, String protocolType, String protocol,
                               List<GroupMember> members, BrokerNode coordinator) {
    public GroupDescription {
        members = List.copyOf(members);
    }

    public GroupDescription(String groupId, String state, String protocolType, String protocol, List<GroupMember> members) {
        this(groupId, state, protocolType, protocol, members, null);
    }

    /** Dead: the coordinator does not know the group (never used, or deleted). */
    public boolean exists() {
        return !state.equals("Dead");
    }
}

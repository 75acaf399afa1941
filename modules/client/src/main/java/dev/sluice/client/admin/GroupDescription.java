package dev.sluice.client.admin;

import java.util.List;

/**
 * A group's state and members, as DescribeGroups shows it.
 *
 * @param protocol the assignor of the current generation (e.g. "range") while Stable, else ""
 */
public record GroupDescription(String groupId, String state, String protocolType, String protocol,
                               List<GroupMember> members) {
    public GroupDescription {
        members = List.copyOf(members);
    }

    /** Dead: the coordinator does not know the group (never used, or deleted). */
    public boolean exists() {
        return !state.equals("Dead");
    }
}

package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;

import java.util.List;

/**
 * A member of a group. {@code assignment} is decoded from Kafka's consumer protocol; it is empty
 * while the group rebalances and for groups of other protocol types.
 *
 * @param groupInstanceId the static member id, or null
 */
public record GroupMember(String memberId, String groupInstanceId, String clientId, String host,
                          List<TopicPartition> assignment) {
    public GroupMember {
        assignment = List.copyOf(assignment);
    }
}

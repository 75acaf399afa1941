package dev.sluice.broker.group;

import java.util.List;

/**
 * A JoinGroup, version differences already resolved.
 *
 * @param memberId                  "" for a member that has none yet
 * @param groupInstanceId           static membership id, or null
 * @param rebalanceTimeoutMs        already defaulted to the session timeout for v0
 * @param requireKnownMemberId      v4+: a member without an id gets MEMBER_ID_REQUIRED and one to rejoin with
 * @param supportsSkippingAssignment v9+: a returning static leader may be told to skip the assignment
 */
public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId, String clientHost,
                          int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                          List<JoinProtocol> protocols, boolean requireKnownMemberId,
                          boolean supportsSkippingAssignment) {
}

package dev.sluice.broker.group;

import dev.sluice.protocol.Errors;

import java.util.List;

/**
 * A JoinGroup answer. {@code members} is filled for the leader only (who runs the assignment).
 */
public record JoinResult(Errors error, String memberId, int generationId, String protocolType, String protocolName,
                         String leaderId, boolean skipAssignment, List<Member> members) {

    /** A member as the leader sees it: its id and its metadata for the chosen protocol. */
    public record Member(String memberId, String groupInstanceId, byte[] metadata) {
    }

    static JoinResult error(Errors error, String memberId) {
        return new JoinResult(error, memberId, -1, null, null, "", false, List.of());
    }
}

package dev.sluice.client.consumer.group;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.List;
import java.util.Map;

/** Bodies of the membership requests, per negotiated version (fields a version lacks are left out). */
final class GroupRequests {
    /** One protocol (assignor) a member offers in JoinGroup, with its subscription bytes. */
    record Protocol(String name, byte[] metadata) {
    }

    private GroupRequests() {
    }

    static Struct join(short version, String groupId, String instanceId, String memberId, int sessionTimeoutMs,
                       int rebalanceTimeoutMs, List<Protocol> protocols, String reason) {
        Struct body = ApiKey.JOIN_GROUP.newRequest().set("GroupId", groupId).set("SessionTimeoutMs", sessionTimeoutMs)
                .set("MemberId", memberId).set("ProtocolType", ConsumerProtocol.TYPE);
        if (version >= 1) {
            body.set("RebalanceTimeoutMs", rebalanceTimeoutMs);
        }
        if (version >= 5) {
            body.set("GroupInstanceId", instanceId);
        } else if (instanceId != null) {
            throw new IllegalStateException("static membership needs JoinGroup v5+, the broker speaks v" + version);
        }
        if (version >= 8) {
            body.set("Reason", reason);
        }
        for (Protocol p : protocols) {
            body.addStruct("Protocols").set("Name", p.name()).set("Metadata", java.nio.ByteBuffer.wrap(p.metadata()));
        }
        return body;
    }

    static Struct sync(short version, String groupId, String instanceId, Generation generation,
                       Map<String, byte[]> assignments) {
        Struct body = ApiKey.SYNC_GROUP.newRequest().set("GroupId", groupId)
                .set("GenerationId", generation.generationId()).set("MemberId", generation.memberId());
        if (version >= 3) {
            body.set("GroupInstanceId", instanceId);
        }
        if (version >= 5) {
            body.set("ProtocolType", ConsumerProtocol.TYPE).set("ProtocolName", generation.protocolName());
        }
        assignments.forEach((member, bytes) -> body.addStruct("Assignments").set("MemberId", member)
                .set("Assignment", java.nio.ByteBuffer.wrap(bytes)));
        return body;
    }

    static Struct heartbeat(short version, String groupId, String instanceId, Generation generation) {
        Struct body = ApiKey.HEARTBEAT.newRequest().set("GroupId", groupId)
                .set("GenerationId", generation.generationId()).set("MemberId", generation.memberId());
        if (version >= 3) {
            body.set("GroupInstanceId", instanceId);
        }
        return body;
    }

    static Struct leave(short version, String groupId, String instanceId, String memberId, String reason) {
        Struct body = ApiKey.LEAVE_GROUP.newRequest().set("GroupId", groupId);
        if (version < 3) {
            return body.set("MemberId", memberId);
        }
        Struct member = body.addStruct("Members").set("MemberId", memberId).set("GroupInstanceId", instanceId);
        if (version >= 5) {
            member.set("Reason", reason);
        }
        return body;
    }
}

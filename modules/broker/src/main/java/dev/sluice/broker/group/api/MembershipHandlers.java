package dev.sluice.broker.group.api;

import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.JoinProtocol;
import dev.sluice.broker.group.JoinRequest;
import dev.sluice.broker.group.JoinResult;
import dev.sluice.broker.group.SyncResult;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JoinGroup, SyncGroup, Heartbeat, LeaveGroup: wire versions to {@link GroupCoordinator} calls
 * and back. JoinGroup and SyncGroup are answered when the coordinator completes them, possibly
 * from another thread.
 */
final class MembershipHandlers {
    private final GroupCoordinator coordinator;

    MembershipHandlers(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    void joinGroup(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        int sessionTimeout = request.getInt("SessionTimeoutMs");
        // v0 has no rebalance timeout: Kafka uses the session timeout
        int rebalanceTimeout = version >= 1 ? request.getInt("RebalanceTimeoutMs") : sessionTimeout;
        // duplicate protocol names collapse, as in Kafka (the protocols are a map keyed by name)
        Map<String, JoinProtocol> protocols = new LinkedHashMap<>();
        for (Struct p : request.getArray("Protocols")) {
            protocols.putIfAbsent(p.getString("Name"), new JoinProtocol(p.getString("Name"), bytes(p.getBytes("Metadata"))));
        }
        JoinRequest join = new JoinRequest(request.getString("GroupId"), request.getString("MemberId"),
                version >= 5 ? request.getString("GroupInstanceId") : null, ctx.clientId(), ctx.clientHost(),
                sessionTimeout, rebalanceTimeout, request.getString("ProtocolType"), new ArrayList<>(protocols.values()),
                version >= 4, version >= 9);
        coordinator.join(join, result -> ctx.respond(joinResponse(ctx, result)));
    }

    private static Struct joinResponse(RequestContext ctx, JoinResult result) {
        short version = ctx.version();
        Struct response = ctx.newResponse();
        response.set("ErrorCode", result.error().code()).set("GenerationId", result.generationId())
                .set("Leader", result.leaderId() == null ? "" : result.leaderId())
                .set("MemberId", result.memberId() == null ? "" : result.memberId());
        if (version >= 7) {
            response.set("ProtocolType", result.protocolType()).set("ProtocolName", result.protocolName());
        } else {
            response.set("ProtocolName", result.protocolName() == null ? "" : result.protocolName());
        }
        if (version >= 9) {
            response.set("SkipAssignment", result.skipAssignment());
        }
        for (JoinResult.Member member : result.members()) {
            Struct out = response.addStruct("Members").set("MemberId", member.memberId())
                    .set("Metadata", ByteBuffer.wrap(member.metadata()));
            if (version >= 5) {
                out.set("GroupInstanceId", member.groupInstanceId());
            }
        }
        return response;
    }

    void syncGroup(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        Map<String, byte[]> assignments = new HashMap<>();
        for (Struct a : request.getArray("Assignments")) {
            assignments.put(a.getString("MemberId"), bytes(a.getBytes("Assignment")));
        }
        coordinator.sync(request.getString("GroupId"), request.getInt("GenerationId"), request.getString("MemberId"),
                version >= 3 ? request.getString("GroupInstanceId") : null,
                version >= 5 ? request.getString("ProtocolType") : null,
                version >= 5 ? request.getString("ProtocolName") : null,
                assignments, result -> ctx.respond(syncResponse(ctx, result)));
    }

    private static Struct syncResponse(RequestContext ctx, SyncResult result) {
        Struct response = ctx.newResponse();
        response.set("ErrorCode", result.error().code()).set("Assignment", ByteBuffer.wrap(result.assignment()));
        if (ctx.version() >= 5) {
            response.set("ProtocolType", result.protocolType()).set("ProtocolName", result.protocolName());
        }
        return response;
    }

    void heartbeat(RequestContext ctx) {
        Struct request = ctx.body();
        Errors error = coordinator.heartbeat(request.getString("GroupId"), request.getString("MemberId"),
                ctx.version() >= 3 ? request.getString("GroupInstanceId") : null, request.getInt("GenerationId"));
        ctx.respond(ctx.newResponse().set("ErrorCode", error.code()));
    }

    void leaveGroup(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        List<GroupCoordinator.LeavingMember> leaving = new ArrayList<>();
        if (version < 3) {
            leaving.add(new GroupCoordinator.LeavingMember(request.getString("MemberId"), null));
        } else {
            for (Struct m : request.getArray("Members")) {
                leaving.add(new GroupCoordinator.LeavingMember(m.getString("MemberId"), m.getString("GroupInstanceId")));
            }
        }
        Map.Entry<Errors, List<Errors>> outcome = coordinator.leave(request.getString("GroupId"), leaving);
        Struct response = ctx.newResponse();
        if (version < 3) {
            // one member: its error is the answer
            Errors error = outcome.getKey() != Errors.NONE ? outcome.getKey() : outcome.getValue().get(0);
            response.set("ErrorCode", error.code());
        } else {
            response.set("ErrorCode", outcome.getKey().code());
            for (int i = 0; i < outcome.getValue().size(); i++) {
                GroupCoordinator.LeavingMember m = leaving.get(i);
                response.addStruct("Members").set("MemberId", m.memberId()).set("GroupInstanceId", m.groupInstanceId())
                        .set("ErrorCode", outcome.getValue().get(i).code());
            }
        }
        ctx.respond(response);
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}

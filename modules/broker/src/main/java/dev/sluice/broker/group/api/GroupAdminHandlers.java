package dev.sluice.broker.group.api;

import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.group.GroupAdmin;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** FindCoordinator, ListGroups, DescribeGroups, DeleteGroups. */
final class GroupAdminHandlers {
    private static final byte KEY_TYPE_GROUP = 0;
    private static final byte KEY_TYPE_TRANSACTION = 1;
    /** Every group here speaks the classic protocol (KIP-848 "consumer" groups are not implemented). */
    private static final String GROUP_TYPE = "classic";

    private final GroupAdmin admin;
    private final BrokerState broker;

    GroupAdminHandlers(GroupAdmin admin, BrokerState broker) {
        this.admin = admin;
        this.broker = broker;
    }

    /**
     * This node coordinates every group. Transactional ids are answered too, so a transactional
     * producer learns from InitProducerId that transactions are not supported rather than retrying
     * FindCoordinator until it times out.
     */
    void findCoordinator(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        byte keyType = version >= 1 ? request.getByte("KeyType") : KEY_TYPE_GROUP;
        Errors error = keyType == KEY_TYPE_GROUP || keyType == KEY_TYPE_TRANSACTION ? Errors.NONE : Errors.INVALID_REQUEST;
        String message = error == Errors.NONE ? null : "coordinator key type " + keyType + " is not supported";
        Struct response = ctx.newResponse();
        boolean found = error == Errors.NONE;
        if (version <= 3) {
            response.set("ErrorCode", error.code()).set("NodeId", found ? broker.nodeId() : -1)
                    .set("Host", found ? broker.advertisedHost() : "").set("Port", found ? broker.advertisedPort() : -1);
            if (version >= 1) {
                response.set("ErrorMessage", message);
            }
        } else {
            for (String key : request.<String>getList("CoordinatorKeys")) {
                response.addStruct("Coordinators").set("Key", key).set("NodeId", found ? broker.nodeId() : -1)
                        .set("Host", found ? broker.advertisedHost() : "").set("Port", found ? broker.advertisedPort() : -1)
                        .set("ErrorCode", error.code()).set("ErrorMessage", message);
            }
        }
        ctx.respond(response);
    }

    void listGroups(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        Set<String> states = version >= 4 ? lower(request.getList("StatesFilter")) : Set.of();
        Set<String> types = version >= 5 ? lower(request.getList("TypesFilter")) : Set.of();
        Struct response = ctx.newResponse().set("ErrorCode", Errors.NONE.code());
        if (!types.isEmpty() && !types.contains(GROUP_TYPE)) {
            ctx.respond(response);
            return;
        }
        for (GroupAdmin.Listing group : admin.list()) {
            if (!states.isEmpty() && !states.contains(group.state().toLowerCase(Locale.ROOT))) {
                continue;
            }
            Struct out = response.addStruct("Groups").set("GroupId", group.groupId()).set("ProtocolType", group.protocolType());
            if (version >= 4) {
                out.set("GroupState", group.state());
            }
            if (version >= 5) {
                out.set("GroupType", GROUP_TYPE);
            }
        }
        ctx.respond(response);
    }

    private static Set<String> lower(List<String> values) {
        return values == null ? Set.of() : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    void describeGroups(RequestContext ctx) {
        short version = ctx.version();
        Struct response = ctx.newResponse();
        for (String groupId : ctx.body().<String>getList("Groups")) {
            Struct out = response.addStruct("Groups").set("GroupId", groupId);
            GroupAdmin.Description group = admin.describe(groupId);
            if (group == null) {
                // before v6 an unknown group is described as Dead; v6 says it is not there
                out.set("ErrorCode", (version >= 6 ? Errors.GROUP_ID_NOT_FOUND : Errors.NONE).code())
                        .set("GroupState", "Dead").set("ProtocolType", "").set("ProtocolData", "");
                if (version >= 6) {
                    out.set("ErrorMessage", "group " + groupId + " not found");
                }
                continue;
            }
            out.set("ErrorCode", Errors.NONE.code()).set("GroupState", group.state())
                    .set("ProtocolType", group.protocolType()).set("ProtocolData", group.protocolData());
            for (GroupAdmin.MemberDescription m : group.members()) {
                Struct member = out.addStruct("Members").set("MemberId", m.memberId()).set("ClientId", m.clientId())
                        .set("ClientHost", m.clientHost()).set("MemberMetadata", ByteBuffer.wrap(m.metadata()))
                        .set("MemberAssignment", ByteBuffer.wrap(m.assignment()));
                if (version >= 4) {
                    member.set("GroupInstanceId", m.groupInstanceId());
                }
            }
        }
        ctx.respond(response);
    }

    void deleteGroups(RequestContext ctx) {
        Struct response = ctx.newResponse();
        for (String groupId : ctx.body().<String>getList("GroupsNames")) {
            response.addStruct("Results").set("GroupId", groupId).set("ErrorCode", admin.delete(groupId).code());
        }
        ctx.respond(response);
    }
}

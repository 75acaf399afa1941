package dev.sluice.broker.group.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.FindCoordinatorAnswer;
import dev.sluice.broker.api.FindCoordinatorAnswer.Coordinator;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.group.GroupAdmin;
import dev.sluice.broker.group.OffsetsTopicCreator;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.GroupCoordinatorLookup;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * FindCoordinator, ListGroups, DescribeGroups, DeleteGroups. DescribeGroups and DeleteGroups answer
 * each group not coordinated here with NOT_COORDINATOR (or COORDINATOR_LOAD_IN_PROGRESS), as Kafka
 * does; ListGroups lists the groups coordinated here (clients ask every broker).
 */
final class GroupAdminHandlers {
    private static final byte KEY_TYPE_GROUP = 0;
    /** Every group here speaks the classic protocol (KIP-848 "consumer" groups are not implemented). */
    private static final String GROUP_TYPE = "classic";

    private final GroupAdmin admin;
    private final BrokerState broker;
    private final CoordinatorGuard guard;
    /** Null on a single node, whose store creates the topic at start-up. */
    private final OffsetsTopicCreator offsetsTopic;

    GroupAdminHandlers(GroupAdmin admin, BrokerState broker, CoordinatorGuard guard, OffsetsTopicCreator offsetsTopic) {
        this.admin = admin;
        this.broker = broker;
        this.guard = guard;
        this.offsetsTopic = offsetsTopic;
    }

    /**
     * A group's coordinator is the leader of its {@code __consumer_offsets} partition, from the
     * metadata cache (a single node: itself); none available is COORDINATOR_NOT_AVAILABLE, which
     * clients retry. In a cluster the first lookup creates the topic if it does not exist yet. Transactional ids
     * (key type 1) are the transaction coordinator's ({@code txn.api.TxnAdminHandlers}), which
     * hands other key types here.
     */
    void findCoordinator(RequestContext ctx) {
        byte keyType = ctx.version() >= 1 ? ctx.body().getByte("KeyType") : KEY_TYPE_GROUP;
        FindCoordinatorAnswer.respond(ctx, key -> coordinatorOf(ctx, keyType, key));
    }

    private Coordinator coordinatorOf(RequestContext ctx, byte keyType, String key) {
        if (keyType != KEY_TYPE_GROUP) {
            return Coordinator.none(Errors.INVALID_REQUEST, "coordinator key type " + keyType + " is not supported");
        }
        if (!broker.authorization().allows(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, key == null ? "" : key)) {
            return Coordinator.none(Errors.GROUP_AUTHORIZATION_FAILED, Errors.GROUP_AUTHORIZATION_FAILED.message());
        }
        Optional<BrokerNode> node = GroupCoordinatorLookup.coordinator(broker.metadata(), key == null ? "" : key,
                offsetsTopic != null);
        if (node.isPresent()) {
            return Coordinator.found(node.get().on(ctx.listenerName()));
        }
        if (offsetsTopic != null && broker.metadata().snapshot().topic(GroupCoordinatorLookup.OFFSETS_TOPIC).isEmpty()) {
            offsetsTopic.createIfMissing();
        }
        return Coordinator.none(Errors.COORDINATOR_NOT_AVAILABLE, "the coordinator of group " + key + " is not available");
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
        // as Kafka: DESCRIBE on the cluster lists every group, else only those the request may describe
        boolean everyGroup = broker.authorization().shows(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER,
                dev.sluice.api.security.ResourcePattern.CLUSTER_NAME);
        for (GroupAdmin.Listing group : admin.list()) {
            if (!states.isEmpty() && !states.contains(group.state().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!everyGroup && !broker.authorization().shows(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
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
        // KIP-430, v3+: what the principal may do to each group it may describe, when asked
        boolean withOperations = version >= 3 && ctx.body().getBool("IncludeAuthorizedOperations");
        for (String groupId : ctx.body().<String>getList("Groups")) {
            Struct out = response.addStruct("Groups").set("GroupId", groupId);
            Errors notHere = guard.errorFor(ctx, groupId, AclOperation.DESCRIBE);
            if (notHere == Errors.NONE && withOperations) {
                out.set("AuthorizedOperations", broker.authorization().authorizedOperations(ctx, ResourceType.GROUP, groupId));
            }
            if (notHere != Errors.NONE) {
                out.set("ErrorCode", notHere.code()).set("GroupState", "").set("ProtocolType", "").set("ProtocolData", "");
                continue;
            }
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
            Errors notHere = guard.errorFor(ctx, groupId, AclOperation.DELETE);
            Errors result = notHere != Errors.NONE ? notHere : admin.delete(groupId);
            response.addStruct("Results").set("GroupId", groupId).set("ErrorCode", result.code());
        }
        ctx.respond(response);
    }
}

package dev.sluice.broker.group.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.broker.api.ApiHandler;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.group.CoordinatorPartitions;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.GroupCoordinatorLookup;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Optional;

/**
 * Group requests are served only by the group's coordinator: the broker whose
 * {@link CoordinatorPartitions} owns the group's {@code __consumer_offsets} partition (loaded from
 * its log) and which the metadata cache names as that partition's leader
 * ({@link GroupCoordinatorLookup}). Elsewhere they answer NOT_COORDINATOR, so the client looks the
 * coordinator up again, and COORDINATOR_LOAD_IN_PROGRESS while the partition is being loaded here,
 * which clients retry (Kafka's {@code validateGroupStatus}; a Heartbeat during the load is answered
 * NONE, as Kafka does, so members do not rejoin for it). A single node coordinates every group. An
 * empty or missing group id passes, for the handler's INVALID_GROUP_ID (Kafka checks the id first).
 *
 * <p>Covered: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetDelete (one top-level error),
 * OffsetCommit (an error per partition), OffsetFetch (v2-7 top-level, v1 per partition, v8+ per
 * group when no group of the request is coordinated here; a v8+ request mixing groups coordinated
 * here and elsewhere is answered here, each group with its own error), and, through
 * {@link #errorFor}, DescribeGroups and DeleteGroups per group. Threads: request handler threads; stateless.
 */
final class CoordinatorGuard {
    private final BrokerState broker;
    private final CoordinatorPartitions partitions;

    CoordinatorGuard(BrokerState broker, CoordinatorPartitions partitions) {
        this.broker = broker;
        this.partitions = partitions;
    }

    /** NONE if this broker coordinates {@code group} now, else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
    Errors errorFor(String group) {
        if (group == null || group.isEmpty()) {
            return Errors.NONE;
        }
        Errors owned = partitions.errorFor(group);
        if (owned != Errors.NONE) {
            return owned;
        }
        Optional<BrokerNode> node = GroupCoordinatorLookup.coordinator(broker.metadata(), group);
        return node.isPresent() && node.get().id() == broker.nodeId() ? Errors.NONE : Errors.NOT_COORDINATOR;
    }

    /**
     * As {@link #errorFor(String)}, after Kafka's check that comes first: without {@code operation} on the
     * group, GROUP_AUTHORIZATION_FAILED.
     */
    Errors errorFor(RequestContext ctx, String group, AclOperation operation) {
        if (!broker.authorization().allows(ctx, operation, ResourceType.GROUP, group == null ? "" : group)) {
            return Errors.GROUP_AUTHORIZATION_FAILED;
        }
        return errorFor(group);
    }

    /** For an API answering one group with a top-level error code; it needs {@code operation} on the group. */
    ApiHandler oneGroup(AclOperation operation, ApiHandler handler) {
        return ctx -> {
            Errors error = errorFor(ctx, ctx.body().getString("GroupId"), operation);
            if (error == Errors.NONE) {
                handler.handle(ctx);
            } else {
                ctx.respond(ctx.newResponse().set("ErrorCode", error.code()));
            }
        };
    }

    /** Heartbeat: as {@link #oneGroup}, but NONE while the group's partition loads (Kafka's answer). */
    ApiHandler heartbeat(ApiHandler handler) {
        return ctx -> {
            Errors error = errorFor(ctx, ctx.body().getString("GroupId"), AclOperation.READ);
            if (error == Errors.NONE) {
                handler.handle(ctx);
            } else {
                Errors answer = error == Errors.COORDINATOR_LOAD_IN_PROGRESS ? Errors.NONE : error;
                ctx.respond(ctx.newResponse().set("ErrorCode", answer.code()));
            }
        };
    }

    /**
     * OffsetCommit and TxnOffsetCommit: the error (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
     * GROUP_AUTHORIZATION_FAILED without READ on the group; for TxnOffsetCommit first
     * TRANSACTIONAL_ID_AUTHORIZATION_FAILED without WRITE on its transactional id) for every partition.
     */
    ApiHandler offsetCommit(ApiHandler handler, boolean transactional) {
        return ctx -> {
            Struct request = ctx.body();
            Errors error = transactional && !broker.authorization().allows(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID,
                    java.util.Objects.requireNonNullElse(request.getString("TransactionalId"), ""))
                    ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                    : errorFor(ctx, request.getString("GroupId"), AclOperation.READ);
            if (error == Errors.NONE) {
                handler.handle(ctx);
                return;
            }
            Struct response = ctx.newResponse();
            for (Struct topic : request.getArray("Topics")) {
                Struct topicOut = response.addStruct("Topics").set("Name", topic.getString("Name"));
                for (Struct partition : topic.getArray("Partitions")) {
                    topicOut.addStruct("Partitions").set("PartitionIndex", partition.getInt("PartitionIndex"))
                            .set("ErrorCode", error.code());
                }
            }
            ctx.respond(response);
        };
    }

    /** OffsetFetch: the error in each version's shape. */
    ApiHandler offsetFetch(ApiHandler handler) {
        return ctx -> {
            Struct request = ctx.body();
            short version = ctx.version();
            if (version >= 8) {
                boolean anyHere = false;
                for (Struct group : request.getArray("Groups")) {
                    anyHere |= errorFor(ctx, group.getString("GroupId"), AclOperation.DESCRIBE) == Errors.NONE;
                }
                if (anyHere || request.getArray("Groups").isEmpty()) {
                    handler.handle(ctx);
                    return;
                }
                Struct response = ctx.newResponse();
                for (Struct group : request.getArray("Groups")) {
                    response.addStruct("Groups").set("GroupId", group.getString("GroupId"))
                            .set("ErrorCode", errorFor(ctx, group.getString("GroupId"), AclOperation.DESCRIBE).code());
                }
                ctx.respond(response);
                return;
            }
            Errors error = errorFor(ctx, request.getString("GroupId"), AclOperation.DESCRIBE);
            if (error == Errors.NONE) {
                handler.handle(ctx);
                return;
            }
            Struct response = ctx.newResponse();
            if (version >= 2) {
                response.set("ErrorCode", error.code());
            } else if (request.getArray("Topics") != null) { // v1: the error goes with each partition
                for (Struct topic : request.getArray("Topics")) {
                    Struct topicOut = response.addStruct("Topics").set("Name", topic.getString("Name"));
                    for (int index : topic.<Integer>getList("PartitionIndexes")) {
                        topicOut.addStruct("Partitions").set("PartitionIndex", index).set("CommittedOffset", -1L)
                                .set("Metadata", "").set("ErrorCode", error.code());
                    }
                }
            }
            ctx.respond(response);
        };
    }
}

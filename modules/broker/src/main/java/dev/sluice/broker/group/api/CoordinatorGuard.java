package dev.sluice.broker.group.api;

import dev.sluice.broker.api.ApiHandler;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.GroupCoordinatorLookup;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Optional;

/**
 * Group requests are served only by the group's coordinator, the leader of its
 * {@code __consumer_offsets} partition ({@link GroupCoordinatorLookup}); on any other broker they
 * answer NOT_COORDINATOR, so the client looks the coordinator up again (Kafka's
 * {@code validateGroupStatus}). A single node coordinates every group. An empty or missing group
 * id passes, for the handler's INVALID_GROUP_ID (Kafka checks the id first).
 *
 * <p>Covered: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetDelete (one top-level error),
 * OffsetCommit (an error per partition) and OffsetFetch (v2-7 top-level, v1 per partition, v8+
 * per group when no group of the request is coordinated here; a v8+ request mixing groups
 * coordinated here and elsewhere is answered whole here). Threads: request handler threads; stateless.
 */
final class CoordinatorGuard {
    private final BrokerState broker;

    CoordinatorGuard(BrokerState broker) {
        this.broker = broker;
    }

    /** True if this broker coordinates {@code group} now. */
    boolean coordinates(String group) {
        if (group == null || group.isEmpty()) {
            return true;
        }
        Optional<BrokerNode> node = GroupCoordinatorLookup.coordinator(broker.metadata(), group);
        return node.isPresent() && node.get().id() == broker.nodeId();
    }

    /** For an API answering one group with a top-level error code. */
    ApiHandler oneGroup(ApiHandler handler) {
        return ctx -> {
            if (coordinates(ctx.body().getString("GroupId"))) {
                handler.handle(ctx);
            } else {
                ctx.respond(ctx.newResponse().set("ErrorCode", Errors.NOT_COORDINATOR.code()));
            }
        };
    }

    /** OffsetCommit: NOT_COORDINATOR for every partition of the request. */
    ApiHandler offsetCommit(ApiHandler handler) {
        return ctx -> {
            Struct request = ctx.body();
            if (coordinates(request.getString("GroupId"))) {
                handler.handle(ctx);
                return;
            }
            Struct response = ctx.newResponse();
            for (Struct topic : request.getArray("Topics")) {
                Struct topicOut = response.addStruct("Topics").set("Name", topic.getString("Name"));
                for (Struct partition : topic.getArray("Partitions")) {
                    topicOut.addStruct("Partitions").set("PartitionIndex", partition.getInt("PartitionIndex"))
                            .set("ErrorCode", Errors.NOT_COORDINATOR.code());
                }
            }
            ctx.respond(response);
        };
    }

    /** OffsetFetch: NOT_COORDINATOR in each version's shape. */
    ApiHandler offsetFetch(ApiHandler handler) {
        return ctx -> {
            Struct request = ctx.body();
            short version = ctx.version();
            if (version >= 8) {
                boolean anyHere = false;
                for (Struct group : request.getArray("Groups")) {
                    anyHere |= coordinates(group.getString("GroupId"));
                }
                if (anyHere || request.getArray("Groups").isEmpty()) {
                    handler.handle(ctx);
                    return;
                }
                Struct response = ctx.newResponse();
                for (Struct group : request.getArray("Groups")) {
                    response.addStruct("Groups").set("GroupId", group.getString("GroupId"))
                            .set("ErrorCode", Errors.NOT_COORDINATOR.code());
                }
                ctx.respond(response);
                return;
            }
            if (coordinates(request.getString("GroupId"))) {
                handler.handle(ctx);
                return;
            }
            Struct response = ctx.newResponse();
            if (version >= 2) {
                response.set("ErrorCode", Errors.NOT_COORDINATOR.code());
            } else if (request.getArray("Topics") != null) { // v1: the error goes with each partition
                for (Struct topic : request.getArray("Topics")) {
                    Struct topicOut = response.addStruct("Topics").set("Name", topic.getString("Name"));
                    for (int index : topic.<Integer>getList("PartitionIndexes")) {
                        topicOut.addStruct("Partitions").set("PartitionIndex", index).set("CommittedOffset", -1L)
                                .set("Metadata", "").set("ErrorCode", Errors.NOT_COORDINATOR.code());
                    }
                }
            }
            ctx.respond(response);
        };
    }
}

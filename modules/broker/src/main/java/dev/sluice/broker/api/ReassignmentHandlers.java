package dev.sluice.broker.api;

import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.broker.metadata.TopicState;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.List;
import java.util.Optional;

/**
 * AlterPartitionReassignments and ListPartitionReassignments as far as Sluice goes: it does not move
 * replicas between brokers, so no reassignment is ever in progress (List answers none), and a
 * reassignment to the replicas a partition has already is accepted as done — what
 * {@code kafka-reassign-partitions.sh} sends before the AlterReplicaLogDirs of a JSON file whose
 * {@code log_dirs} move replicas between directories of their brokers. Any other replica set is
 * refused per partition with INVALID_REPLICA_ASSIGNMENT saying so; cancelling with
 * NO_REASSIGNMENT_IN_PROGRESS. Answered by any broker from its metadata cache. Runs on
 * request-handler threads.
 */
final class ReassignmentHandlers {
    private final BrokerState broker;

    ReassignmentHandlers(BrokerState broker) {
        this.broker = broker;
    }

    void alterPartitionReassignments(RequestContext ctx) {
        // refused, Kafka answers CLUSTER_AUTHORIZATION_FAILED at the top and for every partition (clients read the latter)
        boolean allowed = broker.authorization().allowsOnCluster(ctx, dev.sluice.api.security.AclOperation.ALTER);
        Errors refused = allowed ? Errors.NONE : Errors.CLUSTER_AUTHORIZATION_FAILED;
        Struct response = ctx.newResponse().set("ThrottleTimeMs", 0).set("ErrorCode", refused.code())
                .set("ErrorMessage", allowed ? null : refused.message());
        for (Struct topic : ctx.body().getArray("Topics")) {
            String name = topic.getString("Name");
            Optional<TopicState> known = broker.metadata().snapshot().topic(name);
            Struct t = response.addStruct("Responses").set("Name", name);
            for (Struct partition : topic.getArray("Partitions")) {
                int index = partition.getInt("PartitionIndex");
                List<Integer> wanted = partition.getList("Replicas");
                PartitionState current = known.map(k -> k.partition(index)).orElse(null);
                Errors error;
                String message;
                if (!allowed) {
                    error = refused;
                    message = refused.message();
                } else if (current == null) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    message = "no partition " + name + "-" + index;
                } else if (wanted == null) {
                    error = Errors.NO_REASSIGNMENT_IN_PROGRESS;
                    message = "no reassignment of " + name + "-" + index + " is in progress";
                } else if (wanted.equals(current.replicas())) {
                    error = Errors.NONE;
                    message = null;
                } else {
                    error = Errors.INVALID_REPLICA_ASSIGNMENT;
                    message = "Sluice does not move replicas between brokers: " + name + "-" + index + " stays on "
                            + current.replicas() + " (moving it between log directories of its brokers works: log_dirs)";
                }
                t.addStruct("Partitions").set("PartitionIndex", index).set("ErrorCode", error.code()).set("ErrorMessage", message);
            }
        }
        ctx.respond(response);
    }

    void listPartitionReassignments(RequestContext ctx) {
        ctx.respond(ctx.newResponse().set("ThrottleTimeMs", 0).set("ErrorCode", Errors.NONE.code()).set("ErrorMessage", null));
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;

/** DeleteRecords and OffsetForLeaderEpoch: per-partition log operations. */
final class PartitionAdminHandlers {
    private static final PartitionRequests.Layout DELETE_RECORDS =
            new PartitionRequests.Layout("Name", "PartitionIndex", null);
    private static final PartitionRequests.Layout OFFSET_FOR_LEADER_EPOCH =
            new PartitionRequests.Layout("Topic", "Partition", "CurrentLeaderEpoch");

    private final BrokerState broker;

    PartitionAdminHandlers(BrokerState broker) {
        this.broker = broker;
    }

    /**
     * DeleteRecords: the leader moves its log start now (only the leader: a follower answers
     * NOT_LEADER_OR_FOLLOWER), and the answer waits until every live replica moved its own (the
     * low watermark), at most the request's TimeoutMs.
     */
    void deleteRecords(RequestContext ctx) {
        Struct response = ctx.newResponse();
        List<Struct> waitingOut = new ArrayList<>();
        List<Partition> waiting = new ArrayList<>();
        List<Long> required = new ArrayList<>();
        PartitionRequests.forEach(broker, ctx.body(), response, DELETE_RECORDS, out -> out.set("LowWatermark", -1L),
                topic -> broker.authorization().allows(ctx, AclOperation.DELETE, ResourceType.TOPIC, topic) ? null
                        : Errors.TOPIC_AUTHORIZATION_FAILED,
                (topic, p, out, partition) -> {
                    if (TopicNames.isInternal(topic)) {
                        // as Kafka: only the broker moves the start of its internal topics
                        out.set("ErrorCode", Errors.INVALID_TOPIC_EXCEPTION.code());
                        return;
                    }
                    if (!(partition.role() instanceof PartitionRole.Leader)) {
                        out.set("ErrorCode", Errors.NOT_LEADER_OR_FOLLOWER.code());
                        return;
                    }
                    long offset = p.getLong("Offset");
                    long highWatermark = partition.highWatermark();
                    if (offset < -1 || offset > highWatermark) {
                        out.set("ErrorCode", Errors.OFFSET_OUT_OF_RANGE.code());
                        return;
                    }
                    long logStart = partition.deleteRecordsBefore(offset);
                    out.set("ErrorCode", Errors.NONE.code()).set("LowWatermark", logStart);
                    waitingOut.add(out);
                    waiting.add(partition);
                    required.add(offset < 0 ? highWatermark : offset); // -1: up to the high watermark
                });
        if (waiting.isEmpty()) {
            ctx.respond(response);
            return;
        }
        long[] requiredOffsets = required.stream().mapToLong(Long::longValue).toArray();
        broker.replicas().awaitLowWatermarks(waiting.toArray(new Partition[0]), requiredOffsets,
                ctx.body().getInt("TimeoutMs"), results -> {
                    for (int i = 0; i < results.size(); i++) {
                        waitingOut.get(i).set("ErrorCode", results.get(i).error().code())
                                .set("LowWatermark", results.get(i).lowWatermark());
                    }
                    ctx.respond(response);
                });
    }

    void offsetForLeaderEpoch(RequestContext ctx) {
        Struct response = ctx.newResponse();
        // as Kafka: CLUSTER_ACTION (followers) answers every topic, else DESCRIBE on each (consumers, KIP-320)
        boolean cluster = broker.authorization().shows(ctx, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER,
                dev.sluice.api.security.ResourcePattern.CLUSTER_NAME);
        PartitionRequests.forEach(broker, ctx.body(), response, OFFSET_FOR_LEADER_EPOCH, out -> { },
                topic -> cluster || broker.authorization().allows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic) ? null
                        : Errors.TOPIC_AUTHORIZATION_FAILED,
                (topic, p, out, partition) -> endOffset(out, partition, p.getInt("LeaderEpoch")));
        ctx.respond(response);
    }

    /** As Kafka: an epoch the log cannot place answers NONE with (-1, -1), not an error. */
    private static void endOffset(Struct out, Partition partition, int requested) {
        EpochEndOffset end = partition.endOffsetForEpoch(requested);
        out.set("ErrorCode", Errors.NONE.code()).set("LeaderEpoch", end.epoch()).set("EndOffset", end.endOffset());
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

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

    void deleteRecords(RequestContext ctx) {
        Struct response = ctx.newResponse();
        PartitionRequests.forEach(broker, ctx.body(), response, DELETE_RECORDS, out -> out.set("LowWatermark", -1L),
                (topic, p, out, partition) -> {
                    if (TopicNames.isInternal(topic)) {
                        // as Kafka: only the broker moves the start of its internal topics
                        out.set("ErrorCode", Errors.INVALID_TOPIC_EXCEPTION.code());
                        return;
                    }
                    long offset = p.getLong("Offset");
                    if (offset < -1 || offset > partition.highWatermark()) {
                        out.set("ErrorCode", Errors.OFFSET_OUT_OF_RANGE.code());
                        return;
                    }
                    out.set("ErrorCode", Errors.NONE.code()).set("LowWatermark", partition.deleteRecordsBefore(offset));
                });
        ctx.respond(response);
    }

    void offsetForLeaderEpoch(RequestContext ctx) {
        Struct response = ctx.newResponse();
        PartitionRequests.forEach(broker, ctx.body(), response, OFFSET_FOR_LEADER_EPOCH, out -> { },
                (topic, p, out, partition) -> endOffset(out, partition, p.getInt("LeaderEpoch")));
        ctx.respond(response);
    }

    /** As Kafka: an epoch the log cannot place answers NONE with (-1, -1), not an error. */
    private static void endOffset(Struct out, Partition partition, int requested) {
        EpochEndOffset end = partition.endOffsetForEpoch(requested);
        out.set("ErrorCode", Errors.NONE.code()).set("LeaderEpoch", end.epoch()).set("EndOffset", end.endOffset());
    }
}

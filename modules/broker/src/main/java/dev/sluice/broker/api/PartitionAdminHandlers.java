package dev.sluice.broker.api;

import dev.sluice.api.storage.EpochEntry;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

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

    /** The largest epoch <= the requested one and where it ended, as Kafka's leader-epoch cache answers. */
    private static void endOffset(Struct out, Partition partition, int requested) {
        out.set("ErrorCode", Errors.NONE.code());
        if (requested == partition.leaderEpoch()) {
            out.set("LeaderEpoch", requested).set("EndOffset", partition.logEndOffset());
            return;
        }
        List<EpochEntry> epochs = partition.log().epochs();
        int found = -1;
        long end = -1;
        for (int i = 0; i < epochs.size(); i++) {
            EpochEntry entry = epochs.get(i);
            if (entry.epoch() > requested) {
                if (found >= 0) {
                    end = entry.startOffset();
                }
                break;
            }
            found = entry.epoch();
            end = i + 1 < epochs.size() ? epochs.get(i + 1).startOffset() : partition.logEndOffset();
        }
        out.set("LeaderEpoch", found).set("EndOffset", end);
    }
}

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

    /**
     * The largest epoch <= the requested one and where it ended, as Kafka's leader-epoch cache
     * answers ({@code LeaderEpochFileCache.endOffsetFor}). An epoch older than the whole history
     * (e.g. a position in a deleted topic of the same name) ends where the first known epoch
     * starts; an epoch newer than the current one is unknown (-1, -1). The current epoch counts
     * as known even before it appended anything: it started at the log end.
     */
    private static void endOffset(Struct out, Partition partition, int requested) {
        out.set("ErrorCode", Errors.NONE.code());
        int current = partition.leaderEpoch();
        long logEnd = partition.logEndOffset();
        if (requested == current) {
            out.set("LeaderEpoch", requested).set("EndOffset", logEnd);
            return;
        }
        List<EpochEntry> epochs = partition.log().epochs();
        int floorEpoch = -1;
        long higherStart = -1;
        for (int i = 0; i <= epochs.size(); i++) {
            boolean virtualCurrent = i == epochs.size(); // the current epoch, if it has not appended yet
            if (virtualCurrent && !epochs.isEmpty() && epochs.get(i - 1).epoch() >= current) {
                break;
            }
            int epoch = virtualCurrent ? current : epochs.get(i).epoch();
            long start = virtualCurrent ? logEnd : epochs.get(i).startOffset();
            if (epoch > requested) {
                higherStart = start;
                break;
            }
            floorEpoch = epoch;
        }
        if (higherStart < 0) {
            out.set("LeaderEpoch", -1).set("EndOffset", -1L);
        } else {
            out.set("LeaderEpoch", floorEpoch >= 0 ? floorEpoch : requested).set("EndOffset", higherStart);
        }
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.storage.EpochEntry;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.List;
import java.util.Optional;

/** DeleteRecords and OffsetForLeaderEpoch: per-partition log operations. */
final class PartitionAdminHandlers {
    private final BrokerState broker;

    PartitionAdminHandlers(BrokerState broker) {
        this.broker = broker;
    }

    void deleteRecords(RequestContext ctx) {
        Struct response = ctx.newResponse();
        for (Struct topic : ctx.body().getArray("Topics")) {
            String name = topic.getString("Name");
            Struct topicOut = response.addStruct("Topics").set("Name", name);
            for (Struct p : topic.getArray("Partitions")) {
                int index = p.getInt("PartitionIndex");
                Struct out = topicOut.addStruct("Partitions").set("PartitionIndex", index).set("LowWatermark", -1L);
                Optional<Partition> partition = broker.partitions().partition(name, index);
                if (partition.isEmpty()) {
                    out.set("ErrorCode", Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                if (TopicNames.isInternal(name)) {
                    // as Kafka: only the broker moves the start of its internal topics
                    out.set("ErrorCode", Errors.INVALID_TOPIC_EXCEPTION.code());
                    continue;
                }
                long offset = p.getLong("Offset");
                if (offset < -1 || offset > partition.get().highWatermark()) {
                    out.set("ErrorCode", Errors.OFFSET_OUT_OF_RANGE.code());
                    continue;
                }
                long low = partition.get().deleteRecordsBefore(offset);
                out.set("ErrorCode", Errors.NONE.code()).set("LowWatermark", low);
            }
        }
        ctx.respond(response);
    }

    void offsetForLeaderEpoch(RequestContext ctx) {
        Struct response = ctx.newResponse();
        for (Struct topic : ctx.body().getArray("Topics")) {
            String name = topic.getString("Topic");
            Struct topicOut = response.addStruct("Topics").set("Topic", name);
            for (Struct p : topic.getArray("Partitions")) {
                int index = p.getInt("Partition");
                Struct out = topicOut.addStruct("Partitions").set("Partition", index);
                Optional<Partition> partition = broker.partitions().partition(name, index);
                if (partition.isEmpty()) {
                    out.set("ErrorCode", Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                Errors epochError = FetchHandler.checkLeaderEpoch(p.getInt("CurrentLeaderEpoch"), partition.get().leaderEpoch());
                if (epochError != Errors.NONE) {
                    out.set("ErrorCode", epochError.code());
                    continue;
                }
                endOffset(out, partition.get(), p.getInt("LeaderEpoch"));
            }
        }
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

package dev.sluice.broker.api;

import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.broker.partition.Partition;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Optional;

/** ListOffsets: earliest, latest, max-timestamp and by-timestamp lookups. */
final class ListOffsetsHandler implements ApiHandler {
    static final long LATEST = -1L;
    static final long EARLIEST = -2L;
    static final long MAX_TIMESTAMP = -3L;
    static final long EARLIEST_LOCAL = -4L;
    static final long LATEST_TIERED = -5L;
    static final long EARLIEST_PENDING_UPLOAD = -6L;

    private static final PartitionRequests.Layout LAYOUT =
            new PartitionRequests.Layout("Name", "PartitionIndex", "CurrentLeaderEpoch");

    private final BrokerState broker;

    ListOffsetsHandler(BrokerState broker) {
        this.broker = broker;
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        boolean follower = request.getInt("ReplicaId") >= 0;
        Struct response = ctx.newResponse();
        PartitionRequests.forEach(broker, request, response, LAYOUT, out -> { },
                (topic, p, out, partition) -> lookup(out, partition, p.getLong("Timestamp"), follower));
        ctx.respond(response);
    }

    private static void lookup(Struct out, Partition partition, long timestamp, boolean follower) {
        out.set("ErrorCode", Errors.NONE.code()).set("LeaderEpoch", partition.leaderEpoch());
        if (timestamp == LATEST || timestamp == LATEST_TIERED) {
            out.set("Timestamp", -1L).set("Offset", follower ? partition.logEndOffset() : partition.highWatermark());
        } else if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL || timestamp == EARLIEST_PENDING_UPLOAD) {
            out.set("Timestamp", -1L).set("Offset", partition.logStartOffset());
        } else if (timestamp == MAX_TIMESTAMP) {
            Optional<TimestampOffset> max = partition.log().maxTimestamp();
            out.set("Timestamp", max.map(TimestampOffset::timestamp).orElse(-1L))
                    .set("Offset", max.map(TimestampOffset::offset).orElse(-1L));
        } else if (timestamp < 0) {
            out.set("ErrorCode", Errors.INVALID_REQUEST.code());
        } else {
            Optional<TimestampOffset> found = partition.log().offsetForTimestamp(timestamp)
                    .filter(t -> follower || t.offset() < partition.highWatermark());
            out.set("Timestamp", found.map(TimestampOffset::timestamp).orElse(-1L))
                    .set("Offset", found.map(TimestampOffset::offset).orElse(-1L));
        }
    }
}

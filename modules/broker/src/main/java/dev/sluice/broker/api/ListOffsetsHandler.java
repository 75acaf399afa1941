package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Optional;

/** ListOffsets: earliest, latest, max-timestamp and by-timestamp lookups; read_committed stops at the last stable offset. */
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
        // v2+: IsolationLevel 1 (read_committed) sees offsets below the last stable offset only
        boolean readCommitted = !follower && ctx.version() >= 2 && request.getByte("IsolationLevel") == 1;
        Struct response = ctx.newResponse();
        PartitionRequests.forEach(broker, request, response, LAYOUT, out -> { },
                topic -> broker.authorization().allows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic) ? null
                        : Errors.TOPIC_AUTHORIZATION_FAILED,
                (topic, p, out, partition) -> lookup(out, partition, p.getLong("Timestamp"), follower, readCommitted));
        ctx.respond(response);
    }

    /**
     * Kafka's {@code Partition.fetchOffsetForTimestamp}: only the leader answers (a follower:
     * NOT_LEADER_OR_FOLLOWER). A client sees offsets below the high watermark only; while a new
     * leader's high watermark is below the start of its epoch (its followers have not yet confirmed
     * what the previous leader committed), LATEST, and a MAX_TIMESTAMP or timestamp lookup finding
     * nothing below the high watermark, answer OFFSET_NOT_AVAILABLE (retriable) rather than an offset
     * that could go backwards. A replica (ReplicaId ≥ 0) sees the log end and is never refused so.
     * A read_committed client sees the last stable offset in place of the high watermark.
     */
    private static void lookup(Struct out, Partition partition, long timestamp, boolean follower, boolean readCommitted) {
        if (!(partition.role() instanceof PartitionRole.Leader)) {
            out.set("ErrorCode", Errors.NOT_LEADER_OR_FOLLOWER.code());
            return;
        }
        out.set("ErrorCode", Errors.NONE.code()).set("LeaderEpoch", partition.leaderEpoch());
        long highWatermark = partition.highWatermark();
        boolean lagging = !follower && partition.leaderEpochStartOffset() > highWatermark;
        long visibleEnd = readCommitted ? Math.min(partition.lastStableOffset(), highWatermark) : highWatermark;
        if (timestamp == LATEST || timestamp == LATEST_TIERED) {
            if (lagging) {
                out.set("ErrorCode", Errors.OFFSET_NOT_AVAILABLE.code());
                return;
            }
            out.set("Timestamp", -1L).set("Offset", follower ? partition.logEndOffset() : visibleEnd);
        } else if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL || timestamp == EARLIEST_PENDING_UPLOAD) {
            out.set("Timestamp", -1L).set("Offset", partition.logStartOffset());
        } else if (timestamp < 0 && timestamp != MAX_TIMESTAMP) {
            out.set("ErrorCode", Errors.INVALID_REQUEST.code());
        } else {
            Optional<TimestampOffset> found = timestamp == MAX_TIMESTAMP ? partition.log().maxTimestamp()
                    : partition.log().offsetForTimestamp(timestamp);
            if (!follower && (found.isEmpty() || found.get().offset() >= visibleEnd)) {
                if (lagging) {
                    out.set("ErrorCode", Errors.OFFSET_NOT_AVAILABLE.code());
                    return;
                }
                found = Optional.empty(); // not yet committed: a client may not see it
            }
            out.set("Timestamp", found.map(TimestampOffset::timestamp).orElse(-1L))
                    .set("Offset", found.map(TimestampOffset::offset).orElse(-1L));
        }
    }
}

package dev.sluice.broker.group.api;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TxnOffsetCommit 0-5: offsets of a transaction, stored pending until its marker lands on the
 * group's {@code __consumer_offsets} partition ({@link GroupOffsets#txnCommit}); answered per
 * partition once the records are replicated, as OffsetCommit. The group's coordinator check is the
 * caller's ({@link CoordinatorGuard#offsetCommit}, same response shape). Threads: request handler threads.
 */
final class TxnOffsetCommitHandler {
    private final GroupOffsets offsets;
    private final BrokerState broker;
    private final OffsetCommitChecks checks;

    TxnOffsetCommitHandler(GroupOffsets offsets, BrokerState broker, int maxMetadataSize) {
        this.offsets = offsets;
        this.broker = broker;
        this.checks = new OffsetCommitChecks(broker, maxMetadataSize);
    }

    void txnOffsetCommit(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        long now = broker.time().milliseconds();
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> valid = new HashMap<>();
        for (Struct topic : request.getArray("Topics")) {
            String name = topic.getString("Name");
            for (Struct p : topic.getArray("Partitions")) {
                TopicPartition tp = new TopicPartition(name, p.getInt("PartitionIndex"));
                String metadata = p.getString("CommittedMetadata");
                Errors error = checks.check(ctx, tp, metadata);
                errors.put(tp, error);
                if (error == Errors.NONE) {
                    valid.put(tp, new CommittedOffset(p.getLong("CommittedOffset"),
                            version >= 2 ? p.getInt("CommittedLeaderEpoch") : -1, metadata == null ? "" : metadata, now, -1));
                }
            }
        }
        String groupId = request.getString("GroupId");
        Errors stored = offsets.txnCommit(groupId, request.getLong("ProducerId"),
                version >= 3 ? request.getInt("GenerationId") : -1, version >= 3 ? request.getString("MemberId") : "",
                valid);
        OffsetCommitChecks.answerWhenStored(ctx, offsets, groupId, stored, !valid.isEmpty(), errors);
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.replica.FetchParams;
import dev.sluice.broker.replica.FetchPartitionResult;
import dev.sluice.broker.replica.FetchTarget;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Fetch: decodes the request, lets the replica manager read (or wait for {@code MinBytes} up to
 * {@code MaxWaitMs}), encodes its answer. Records go out as zero-copy log slices. Fetch sessions
 * are not kept: every response says session 0, so clients send full fetch requests.
 */
final class FetchHandler implements ApiHandler {

    private final BrokerState broker;

    FetchHandler(BrokerState broker) {
        this.broker = broker;
    }

    /** How one requested partition is named in the response. */
    private record Name(String topicName, UUID topicId, int partition, boolean unknownTopicId) {
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        int replicaId = version >= 15 ? request.getStruct("ReplicaState").getInt("ReplicaId") : request.getInt("ReplicaId");
        FetchParams params = new FetchParams(replicaId, Math.max(0, request.getInt("MaxWaitMs")),
                Math.max(0, request.getInt("MinBytes")), version >= 3 ? request.getInt("MaxBytes") : Integer.MAX_VALUE);
        List<Name> names = new ArrayList<>();
        List<FetchTarget> targets = new ArrayList<>();
        for (Struct topic : request.getArray("Topics")) {
            String name = version <= 12 ? topic.getString("Topic") : null;
            UUID id = version >= 13 ? topic.getUuid("TopicId") : null;
            Optional<TopicMetadata> meta = name != null ? broker.partitions().topics().get(name)
                    : broker.partitions().topics().get(id);
            for (Struct p : topic.getArray("Partitions")) {
                int index = p.getInt("Partition");
                names.add(new Name(name, id, index, version >= 13 && meta.isEmpty()));
                TopicPartition tp = meta.isPresent() && index >= 0 ? new TopicPartition(meta.get().name(), index) : null;
                targets.add(new FetchTarget(tp, p.getLong("FetchOffset"), p.getInt("PartitionMaxBytes"),
                        version >= 9 ? p.getInt("CurrentLeaderEpoch") : -1));
            }
        }
        broker.replicas().fetchMessages(params, targets, results -> ctx.respond(encode(ctx, names, results)));
    }

    private static Struct encode(RequestContext ctx, List<Name> names, List<FetchPartitionResult> results) {
        short version = ctx.version();
        Struct response = ctx.newResponse();
        response.set("ErrorCode", Errors.NONE.code()).set("SessionId", 0);
        Struct topicOut = null;
        Name previous = null;
        for (int i = 0; i < names.size(); i++) {
            Name name = names.get(i);
            if (topicOut == null || !sameTopic(previous, name)) {
                topicOut = response.addStruct("Responses");
                if (version <= 12) {
                    topicOut.set("Topic", name.topicName());
                } else {
                    topicOut.set("TopicId", name.topicId());
                }
            }
            previous = name;
            Struct out = topicOut.addStruct("Partitions").set("PartitionIndex", name.partition());
            FetchPartitionResult result = results.get(i);
            Errors error = result.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION && name.unknownTopicId()
                    ? Errors.UNKNOWN_TOPIC_ID : result.error();
            out.set("ErrorCode", error.code()).set("HighWatermark", result.highWatermark())
                    .set("Records", result.records());
            if (error == Errors.NONE) {
                out.set("LastStableOffset", result.highWatermark()).set("LogStartOffset", result.logStartOffset());
            } else if (error == Errors.OFFSET_OUT_OF_RANGE) {
                out.set("LogStartOffset", result.logStartOffset());
            }
            if (result.currentLeader() != null && version >= 12) {
                out.set("CurrentLeader", out.newStruct("CurrentLeader").set("LeaderId", result.currentLeader().leaderId())
                        .set("LeaderEpoch", result.currentLeader().leaderEpoch()));
            }
        }
        return response;
    }

    private static boolean sameTopic(Name a, Name b) {
        return a != null && Objects.equals(a.topicName(), b.topicName()) && Objects.equals(a.topicId(), b.topicId());
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.replica.ProducePartitionResult;
import dev.sluice.broker.replica.ProduceTarget;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Produce: decodes the request, hands each partition's records to the replica manager (which
 * applies acks and may answer later), encodes its answers. Topic lookups and the internal-topic
 * rule are request validation and stay here.
 */
final class ProduceHandler implements ApiHandler {

    private final BrokerState broker;

    ProduceHandler(BrokerState broker) {
        this.broker = broker;
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        short acks = request.getShort("Acks");
        Struct response = ctx.newResponse();
        List<ProduceTarget> targets = new ArrayList<>();
        List<Struct> targetOuts = new ArrayList<>();
        boolean anyError = false;
        Errors unknown = version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        for (Struct topicData : request.getArray("TopicData")) {
            Struct topicOut = response.addStruct("Responses");
            Optional<TopicMetadata> topic;
            if (version >= 13) {
                UUID id = topicData.getUuid("TopicId");
                topicOut.set("TopicId", id);
                topic = broker.partitions().topics().get(id);
            } else {
                String name = topicData.getString("Name");
                topicOut.set("Name", name);
                topic = broker.partitions().topics().get(name);
            }
            for (Struct partitionData : topicData.getArray("PartitionData")) {
                int index = partitionData.getInt("Index");
                Struct out = topicOut.addStruct("PartitionResponses").set("Index", index);
                if (topic.isPresent() && TopicNames.isInternal(topic.get().name()) && isValidAcks(acks)) {
                    // as Kafka: only the broker appends to its internal topics
                    error(out, Errors.INVALID_TOPIC_EXCEPTION, "cannot produce to internal topic " + topic.get().name());
                    anyError = true;
                } else {
                    TopicPartition tp = topic.isPresent() && index >= 0 ? new TopicPartition(topic.get().name(), index) : null;
                    targets.add(new ProduceTarget(tp, partitionData.getRecordsBuffer("Records")));
                    targetOuts.add(out);
                }
            }
        }
        boolean errorsBefore = anyError;
        broker.replicas().appendRecords(acks, request.getInt("TimeoutMs"), targets, results -> {
            boolean errors = errorsBefore;
            for (int i = 0; i < results.size(); i++) {
                ProducePartitionResult result = results.get(i);
                Struct out = targetOuts.get(i);
                if (result.error() == Errors.NONE) {
                    out.set("ErrorCode", Errors.NONE.code()).set("BaseOffset", result.baseOffset())
                            .set("LogAppendTimeMs", result.logAppendTime()).set("LogStartOffset", result.logStartOffset());
                } else {
                    Errors error = result.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION ? unknown : result.error();
                    error(out, error, result.message());
                    if (result.currentLeader() != null && version >= 10) {
                        out.set("CurrentLeader", out.newStruct("CurrentLeader")
                                .set("LeaderId", result.currentLeader().leaderId())
                                .set("LeaderEpoch", result.currentLeader().leaderEpoch()));
                    }
                    if (result.error() == Errors.REQUEST_TIMED_OUT) {
                        out.set("BaseOffset", result.baseOffset());
                    }
                    errors = true;
                }
            }
            if (acks == 0) {
                if (errors) {
                    // the client expects no answer: dropping the connection is how Kafka tells it to refresh and retry
                    ctx.closeConnection("acks=0 produce failed for at least one partition");
                } else {
                    ctx.respondNothing();
                }
                return;
            }
            ctx.respond(response);
        });
    }

    private static boolean isValidAcks(short acks) {
        return acks == 0 || acks == 1 || acks == -1;
    }

    private static void error(Struct out, Errors error, String message) {
        out.set("ErrorCode", error.code()).set("BaseOffset", -1L).set("ErrorMessage", message);
    }
}

package dev.sluice.broker.api;

import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;

/**
 * Produce: appends each partition's batches to its log. With one replica the write is
 * committed as soon as it is in the log, so acks=1 and acks=all answer at once.
 */
final class ProduceHandler implements ApiHandler {
    private static final System.Logger LOG = System.getLogger(ProduceHandler.class.getName());

    private final BrokerState broker;

    ProduceHandler(BrokerState broker) {
        this.broker = broker;
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        short acks = request.getShort("Acks");
        boolean validAcks = acks == 0 || acks == 1 || acks == -1;
        Struct response = ctx.newResponse();
        boolean anyError = false;
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
            Errors unknown = version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            for (Struct partitionData : topicData.getArray("PartitionData")) {
                int index = partitionData.getInt("Index");
                Struct out = topicOut.addStruct("PartitionResponses").set("Index", index);
                if (!validAcks) {
                    error(out, Errors.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1 (all), was " + acks);
                    anyError = true;
                    continue;
                }
                if (topic.isPresent() && TopicNames.isInternal(topic.get().name())) {
                    // as Kafka: only the broker appends to its internal topics
                    error(out, Errors.INVALID_TOPIC_EXCEPTION, "cannot produce to internal topic " + topic.get().name());
                    anyError = true;
                    continue;
                }
                Optional<Partition> partition = topic.flatMap(t ->
                        broker.partitions().partition(t.name(), index));
                if (partition.isEmpty()) {
                    error(out, unknown, null);
                    anyError = true;
                    continue;
                }
                ByteBuffer records = partitionData.getRecordsBuffer("Records");
                if (records == null) {
                    error(out, Errors.CORRUPT_MESSAGE, "records are null");
                    anyError = true;
                    continue;
                }
                AppendOutcome outcome = partition.get().appendAsLeader(records);
                if (outcome instanceof AppendOutcome.Appended ok) {
                    out.set("ErrorCode", Errors.NONE.code()).set("BaseOffset", ok.firstOffset())
                            .set("LogAppendTimeMs", ok.logAppendTime()).set("LogStartOffset", ok.logStartOffset());
                } else {
                    AppendOutcome.Rejected rejected = (AppendOutcome.Rejected) outcome;
                    LOG.log(System.Logger.Level.DEBUG, () -> "produce to " + partition.get().topicPartition()
                            + " rejected: " + rejected.message());
                    error(out, ErrorMapping.of(rejected.error()), rejected.message());
                    anyError = true;
                }
            }
        }
        if (acks == 0) {
            if (anyError) {
                // the client expects no answer: dropping the connection is how Kafka tells it to refresh and retry
                ctx.closeConnection("acks=0 produce failed for at least one partition");
            } else {
                ctx.respondNothing();
            }
            return;
        }
        ctx.respond(response);
    }

    private static void error(Struct out, Errors error, String message) {
        out.set("ErrorCode", error.code()).set("BaseOffset", -1L).set("ErrorMessage", message);
    }
}

package dev.sluice.broker.api;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.replica.LeaderHint;
import dev.sluice.broker.replica.ProducePartitionResult;
import dev.sluice.broker.replica.ProduceTarget;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
        short acks = request.getShort(ProduceFields.ACKS);
        Struct response = ctx.newResponse();
        List<ProduceTarget> targets = new ArrayList<>();
        List<Struct> targetOuts = new ArrayList<>();
        boolean anyError = false;
        Errors unknown = version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        Set<List<Object>> duplicated = duplicatedPartitions(request, version);
        Authorization authorization = broker.authorization();
        // as Kafka: transactional records need WRITE on their transactional id, else every partition is refused
        boolean transactionRefused = authorization.enabled() && hasTransactionalRecords(request)
                && !authorization.allows(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID,
                        Objects.requireNonNullElse(request.getString(ProduceFields.TRANSACTIONAL_ID), ""));
        for (Struct topicData : request.getArray(ProduceFields.TOPIC_DATA)) {
            Struct topicOut = response.addStruct(ProduceFields.RESPONSES);
            Optional<TopicMetadata> topic;
            if (version >= 13) {
                UUID id = topicData.getUuid(ProduceFields.TOPIC_ID);
                topicOut.set(ProduceFields.RESPONSE_TOPIC_ID, id);
                topic = broker.partitions().topics().get(id);
            } else {
                String name = topicData.getString(ProduceFields.TOPIC_NAME);
                topicOut.set(ProduceFields.RESPONSE_NAME, name);
                topic = broker.partitions().topics().get(name);
            }
            Errors refused = transactionRefused ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                    : topic.isPresent() && !authorization.allows(ctx, AclOperation.WRITE, ResourceType.TOPIC, topic.get().name())
                    ? Errors.TOPIC_AUTHORIZATION_FAILED : null;
            for (Struct partitionData : topicData.getArray(ProduceFields.PARTITION_DATA)) {
                int index = partitionData.getInt(ProduceFields.INDEX);
                Struct out = topicOut.addStruct(ProduceFields.PARTITION_RESPONSES).set(ProduceFields.RESPONSE_INDEX, index);
                ByteBuffer records = partitionData.getRecordsBuffer(ProduceFields.RECORDS);
                if (refused != null) {
                    error(out, refused, refused.message());
                    anyError = true;
                } else if (!duplicated.isEmpty() && duplicated.contains(partitionKey(topicData, version, index))) {
                    // Kafka keeps only the last entry of a partition named twice (a map keyed by partition) and
                    // drops the others without saying so; Sluice refuses every entry, so nothing is silently lost
                    error(out, Errors.INVALID_REQUEST, "partition " + index + " appears more than once in the request");
                    anyError = true;
                } else if (version >= 3 && records != null && hasSeveralBatches(records)) {
                    // as Kafka (ProduceRequest.validateRecords): v3+ carries exactly one batch per partition
                    error(out, Errors.INVALID_RECORD, "Produce requests with version " + version
                            + " are only allowed to contain exactly one record batch");
                    anyError = true;
                } else if (topic.isPresent() && TopicNames.isInternal(topic.get().name()) && isValidAcks(acks)) {
                    // as Kafka: only the broker appends to its internal topics
                    error(out, Errors.INVALID_TOPIC_EXCEPTION, "cannot produce to internal topic " + topic.get().name());
                    anyError = true;
                } else {
                    TopicPartition tp = topic.isPresent() && index >= 0 ? new TopicPartition(topic.get().name(), index) : null;
                    targets.add(new ProduceTarget(tp, records));
                    targetOuts.add(out);
                }
            }
        }
        boolean errorsBefore = anyError;
        broker.replicas().appendRecords(acks, request.getInt(ProduceFields.TIMEOUT_MS), targets, results -> {
            boolean errors = errorsBefore;
            LeaderEndpoints leaders = null; // only when a partition was refused: none on the happy path
            for (int i = 0; i < results.size(); i++) {
                ProducePartitionResult result = results.get(i);
                Struct out = targetOuts.get(i);
                if (result.error() == Errors.NONE) {
                    out.set(ProduceFields.ERROR_CODE, Errors.NONE.code()).set(ProduceFields.BASE_OFFSET, result.baseOffset())
                            .set(ProduceFields.LOG_APPEND_TIME_MS, result.logAppendTime())
                            .set(ProduceFields.LOG_START_OFFSET, result.logStartOffset());
                } else {
                    TopicPartition tp = targets.get(i).topicPartition();
                    Errors error = result.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION ? unknown : result.error();
                    LeaderHint hint = result.currentLeader();
                    String message = result.message();
                    if (result.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION || error == Errors.NOT_LEADER_OR_FOLLOWER) {
                        leaders = leaders != null ? leaders : new LeaderEndpoints(broker.metadata().snapshot(), broker.nodeId(),
                                ctx.listenerName());
                        LeaderHint elsewhere = error == Errors.NOT_LEADER_OR_FOLLOWER ? null : leaders.ledElsewhere(tp);
                        if (elsewhere != null) {
                            error = Errors.NOT_LEADER_OR_FOLLOWER;
                            hint = elsewhere;
                            message = "broker " + elsewhere.leaderId() + " leads the partition";
                        }
                        hint = error == Errors.NOT_LEADER_OR_FOLLOWER ? leaders.hint(tp, hint) : null;
                    }
                    error(out, error, message);
                    if (hint != null && version >= 10) {
                        leaders.setCurrentLeader(out, hint);
                    }
                    if (result.error() == Errors.REQUEST_TIMED_OUT) {
                        out.set(ProduceFields.BASE_OFFSET, result.baseOffset());
                    }
                    errors = true;
                }
            }
            if (leaders != null && version >= 10) {
                leaders.writeTo(response);
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

    /** The partitions (topic key + index) named more than once; empty (no allocation) for one partition. */
    private static Set<List<Object>> duplicatedPartitions(Struct request, short version) {
        List<Struct> topics = request.getArray(ProduceFields.TOPIC_DATA);
        if (topics.size() == 1 && topics.get(0).getArray(ProduceFields.PARTITION_DATA).size() <= 1) {
            return Set.of();
        }
        Set<List<Object>> seen = new HashSet<>();
        Set<List<Object>> duplicated = new HashSet<>();
        for (Struct topicData : topics) {
            for (Struct partitionData : topicData.getArray(ProduceFields.PARTITION_DATA)) {
                List<Object> key = partitionKey(topicData, version, partitionData.getInt(ProduceFields.INDEX));
                if (!seen.add(key)) {
                    duplicated.add(key);
                }
            }
        }
        return duplicated;
    }

    private static List<Object> partitionKey(Struct topicData, short version, int index) {
        Object topic = version >= 13 ? topicData.getUuid(ProduceFields.TOPIC_ID) : topicData.getString(ProduceFields.TOPIC_NAME);
        return java.util.Arrays.asList(topic, index);
    }

    /** True if the records hold more than one batch (a truncated or corrupt one is the partition's to judge). */
    private static boolean hasSeveralBatches(ByteBuffer records) {
        int position = records.position();
        if (records.remaining() < RecordBatch.LOG_OVERHEAD) {
            return false;
        }
        long first = RecordBatch.LOG_OVERHEAD + (long) records.getInt(position + RecordBatch.LENGTH_OFFSET);
        return first > RecordBatch.LOG_OVERHEAD && first < records.remaining();
    }

    /** Whether any partition's records are a transactional batch (Kafka's hasTransactionalRecords). */
    private static boolean hasTransactionalRecords(Struct request) {
        for (Struct topicData : request.getArray(ProduceFields.TOPIC_DATA)) {
            for (Struct partitionData : topicData.getArray(ProduceFields.PARTITION_DATA)) {
                ByteBuffer records = partitionData.getRecordsBuffer(ProduceFields.RECORDS);
                if (records != null && records.remaining() > RecordBatch.ATTRIBUTES_OFFSET + 1
                        && (records.getShort(records.position() + RecordBatch.ATTRIBUTES_OFFSET) & 0x10) != 0) { // attribute bit 4: transactional
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isValidAcks(short acks) {
        return acks == 0 || acks == 1 || acks == -1;
    }

    private static void error(Struct out, Errors error, String message) {
        out.set(ProduceFields.ERROR_CODE, error.code()).set(ProduceFields.BASE_OFFSET, -1L)
                .set(ProduceFields.ERROR_MESSAGE, message);
    }
}

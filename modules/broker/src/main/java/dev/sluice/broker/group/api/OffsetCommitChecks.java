package dev.sluice.broker.group.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What OffsetCommit and TxnOffsetCommit share: the per-partition checks (READ on the topic, Kafka's
 * TOPIC_AUTHORIZATION_FAILED, checked first; the partition exists in the cluster; the metadata fits
 * {@code offset.metadata.max.bytes}) and the answer once the offsets are stored (the same response shape in both).
 *
 * <p>Threads: request handlers; immutable.
 */
final class OffsetCommitChecks {
    private final BrokerState broker;
    private final int maxMetadataSize;

    OffsetCommitChecks(BrokerState broker, int maxMetadataSize) {
        this.broker = broker;
        this.maxMetadataSize = maxMetadataSize;
    }

    /** NONE when an offset with {@code metadata} may be committed for {@code tp}, else the partition's error. */
    Errors check(RequestContext ctx, TopicPartition tp, String metadata) {
        if (!broker.authorization().allows(ctx, AclOperation.READ, ResourceType.TOPIC, tp.topic())) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        if (!exists(tp)) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (metadata != null && metadata.getBytes(StandardCharsets.UTF_8).length > maxMetadataSize) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        return Errors.NONE;
    }

    /**
     * Whether the cluster has the partition (the topic catalogue; in a cluster its partitions live on
     * other brokers too, so not whether this broker hosts it), as Kafka checks its metadata cache.
     */
    boolean exists(TopicPartition tp) {
        return tp.partition() >= 0 && broker.partitions().topics().get(tp.topic())
                .map(topic -> tp.partition() < topic.partitions()).orElse(false);
    }

    /**
     * Answers once the group's offsets records are replicated (acks=all, on whichever thread that
     * happens) if {@code stored} accepted some, else at once: each partition's own error, or the
     * group's outcome for the partitions that passed the checks.
     */
    static void answerWhenStored(RequestContext ctx, GroupOffsets offsets, String groupId, Errors stored,
                                 boolean anyValid, Map<TopicPartition, Errors> errors) {
        if (stored == Errors.NONE && anyValid) {
            offsets.acknowledge(groupId, acknowledged -> respond(ctx, errors, acknowledged));
        } else {
            respond(ctx, errors, stored);
        }
    }

    private static void respond(RequestContext ctx, Map<TopicPartition, Errors> errors, Errors groupError) {
        Struct response = ctx.newResponse();
        Map<String, Struct> topics = new HashMap<>();
        errors.forEach((tp, error) -> {
            Errors result = error == Errors.NONE ? groupError : error;
            topics.computeIfAbsent(tp.topic(), n -> response.addStruct("Topics").set("Name", n))
                    .addStruct("Partitions").set("PartitionIndex", tp.partition()).set("ErrorCode", result.code());
        });
        ctx.respond(response);
    }
}

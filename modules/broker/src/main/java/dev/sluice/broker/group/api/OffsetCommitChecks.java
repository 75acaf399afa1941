package dev.sluice.broker.group.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.protocol.Errors;

import java.nio.charset.StandardCharsets;

/**
 * The per-partition checks OffsetCommit and TxnOffsetCommit share: the partition exists in the
 * cluster and the metadata fits {@code offset.metadata.max.bytes}.
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
    Errors check(TopicPartition tp, String metadata) {
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
}

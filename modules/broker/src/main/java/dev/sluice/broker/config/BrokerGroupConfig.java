package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigValues;

/**
 * The broker's settings about consumer groups and their committed offsets: sessions, the initial rebalance
 * delay, the offset store and {@code __consumer_offsets}, retention of offsets; read from {@link #values()}.
 * {@link BrokerConfig} is one; immutable, any thread.
 */
public interface BrokerGroupConfig {

    /** The broker settings, parsed (given or default). */
    ConfigValues values();

    default int groupInitialRebalanceDelayMs() {
        return values().getInt("group.initial.rebalance.delay.ms");
    }

    default int groupMinSessionTimeoutMs() {
        return values().getInt("group.min.session.timeout.ms");
    }

    default int groupMaxSessionTimeoutMs() {
        return values().getInt("group.max.session.timeout.ms");
    }

    /** Name of the {@link dev.sluice.api.offset.OffsetStoreProvider} that keeps committed offsets. */
    default String offsetsStore() {
        return values().getString("offsets.store");
    }

    default int offsetsRetentionMinutes() {
        return values().getInt("offsets.retention.minutes");
    }

    default long offsetsRetentionCheckIntervalMs() {
        return values().getLong("offsets.retention.check.interval.ms");
    }

    default int offsetsTopicNumPartitions() {
        return values().getInt("offsets.topic.num.partitions");
    }

    /** Replication factor of {@code __consumer_offsets} when a cluster creates it. */
    default short offsetsTopicReplicationFactor() {
        return (short) values().getInt("offsets.topic.replication.factor");
    }

    /** Segment size of {@code __consumer_offsets}, and the bytes appended to a partition of it that trigger a snapshot. */
    default int offsetsTopicSegmentBytes() {
        return values().getInt("offsets.topic.segment.bytes");
    }

    /** Sluice's own: a partition of {@code __consumer_offsets} written to is snapshotted at least this often. */
    default long offsetsSnapshotIntervalMs() {
        return values().getLong("offsets.snapshot.interval.ms");
    }

    /** How long a commit waits for the in-sync replicas of its {@code __consumer_offsets} partition. */
    default int offsetsCommitTimeoutMs() {
        return values().getInt("offsets.commit.timeout.ms");
    }

    default int offsetMetadataMaxBytes() {
        return values().getInt("offset.metadata.max.bytes");
    }
}

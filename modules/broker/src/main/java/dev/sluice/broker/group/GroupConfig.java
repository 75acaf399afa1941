package dev.sluice.broker.group;

/**
 * The coordinator's settings (Kafka's names and defaults).
 *
 * @param minSessionTimeoutMs       group.min.session.timeout.ms (6000)
 * @param maxSessionTimeoutMs       group.max.session.timeout.ms (1800000)
 * @param initialRebalanceDelayMs   group.initial.rebalance.delay.ms (3000): how long a new group waits for more joiners
 * @param offsetsRetentionMs        offsets.retention.minutes: how long an empty group's offsets are kept
 * @param offsetsRetentionCheckMs   offsets.retention.check.interval.ms (600000)
 * @param maxMetadataSize           offset.metadata.max.bytes (4096): larger commit metadata is refused
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                          long offsetsRetentionMs, long offsetsRetentionCheckMs, int maxMetadataSize) {
    public static final int DEFAULT_MIN_SESSION_TIMEOUT_MS = 6000;
    public static final int DEFAULT_MAX_SESSION_TIMEOUT_MS = 1800000;
    public static final int DEFAULT_MAX_METADATA_SIZE = 4096;
}

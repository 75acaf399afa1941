package dev.sluice.client.admin;

/**
 * What a broker's DescribeLogDirs says of one partition's log.
 *
 * @param sizeBytes  bytes on disk
 * @param dirtyRatio the log cleaner's dirty ratio of a compacted partition (a Sluice broker's tagged
 *                   field), -1 if the topic is not compacted or the broker does not say
 */
public record PartitionLog(long sizeBytes, double dirtyRatio) {
}

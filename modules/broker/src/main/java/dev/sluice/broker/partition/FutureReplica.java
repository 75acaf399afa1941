package dev.sluice.broker.partition;

import dev.sluice.api.storage.TopicPartition;

import java.nio.file.Path;

/**
 * A partition's copy being filled in another log directory (DescribeLogDirs lists it with
 * {@code IsFutureKey}).
 *
 * @param offsetLag how many offsets the copy is behind the partition's log
 */
public record FutureReplica(TopicPartition partition, Path logDir, long sizeInBytes, long offsetLag) { }

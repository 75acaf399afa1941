package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;

import java.util.Map;

/**
 * One log directory of a broker as DescribeLogDirs reports it.
 *
 * @param path        the directory on the broker
 * @param error       Kafka's error name (KAFKA_STORAGE_ERROR for a failed disk), null if none
 * @param sizes       bytes on disk of each partition stored there
 * @param totalBytes  size of the volume, -1 if unknown
 * @param usableBytes free space of the volume, -1 if unknown
 * @param futures     partitions being moved into this directory (AlterReplicaLogDirs): their copy so far
 */
public record LogDirDescription(String path, String error, Map<TopicPartition, Long> sizes, long totalBytes, long usableBytes,
                                Map<TopicPartition, FutureReplica> futures) {

    /** A partition's copy being filled in this directory: its bytes so far and how many offsets it is behind. */
    public record FutureReplica(long sizeBytes, long offsetLag) { }
}

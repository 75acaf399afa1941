package dev.sluice.api.partition;

import java.util.Map;

/**
 * SPI: picks the partition for a record a producer sends without an explicit partition.
 * Found with {@link java.util.ServiceLoader} and chosen by name ({@code partitioner.class} /
 * {@code partitioner}); the client ships Kafka-compatible defaults.
 */
public interface Partitioner {

    /** Returned by {@link #partition} to let the producer spread records itself (sticky batching). */
    int NO_PREFERENCE = -1;

    /** Name used in configuration. */
    String name();

    /** Receives the producer's configuration once, before use. */
    default void configure(Map<String, String> settings) {
    }

    /**
     * @param key           serialized key, or {@code null}
     * @param value         serialized value, or {@code null}
     * @param numPartitions partitions the topic has (&gt; 0)
     * @return a partition in {@code [0, numPartitions)}, or {@link #NO_PREFERENCE}
     */
    int partition(String topic, byte[] key, byte[] value, int numPartitions);

    /** Called when the producer starts a new batch for {@code topic} (for sticky strategies). */
    default void onNewBatch(String topic, int previousPartition) {
    }
}

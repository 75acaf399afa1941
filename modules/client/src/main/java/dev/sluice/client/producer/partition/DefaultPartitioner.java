package dev.sluice.client.producer.partition;

import dev.sluice.api.partition.Partitioner;

/**
 * Kafka's default: a keyed record goes to {@code murmur2(key)} modulo the partition count; a
 * record without a key is left to the producer's sticky spreading ({@link #NO_PREFERENCE}).
 */
public final class DefaultPartitioner implements Partitioner {
    public static final String NAME = "default";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int partition(String topic, byte[] key, byte[] value, int numPartitions) {
        return key == null ? NO_PREFERENCE : Murmur2.partition(key, numPartitions);
    }
}

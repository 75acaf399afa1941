package dev.sluice.example.plugin;

import dev.sluice.api.partition.Partitioner;

/**
 * {@code partitioner=first-byte}: a record goes to partition {@code firstKeyByte mod partitions},
 * so keys sharing a first byte (a region code, a tenant letter) land together. Records without
 * a key are left to the producer's sticky default.
 */
public final class FirstBytePartitioner implements Partitioner {
    public static final String NAME = "first-byte";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int partition(String topic, byte[] key, byte[] value, int numPartitions) {
        if (key == null || key.length == 0) {
            return NO_PREFERENCE;
        }
        return (key[0] & 0xff) % numPartitions;
    }
}

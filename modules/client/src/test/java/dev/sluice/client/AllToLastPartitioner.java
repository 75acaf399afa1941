package dev.sluice.client;

import dev.sluice.api.partition.Partitioner;

/** A custom partitioner for tests, configured by class name: everything to the last partition. */
public final class AllToLastPartitioner implements Partitioner {
    @Override
    public String name() {
        return "all-to-last";
    }

    @Override
    public int partition(String topic, byte[] key, byte[] value, int numPartitions) {
        return numPartitions - 1;
    }
}

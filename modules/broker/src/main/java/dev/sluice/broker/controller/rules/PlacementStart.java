package dev.sluice.broker.controller.rules;

import java.util.random.RandomGenerator;

/**
 * Where automatic placement starts, as in Kafka's {@code AdminUtils}: the index (into the broker list
 * sorted by id) of partition 0's leader, and the shift that spaces each partition's followers from its
 * leader. Random starts spread the leaders of many small topics over the cluster; fixed ones make a
 * placement reproducible (CreatePartitions continues where partition 0 of the topic started).
 * An immutable value; any thread.
 */
public record PlacementStart(int startIndex, int replicaShift) {
    public PlacementStart {
        if (startIndex < 0 || replicaShift < 0) {
            throw new IllegalArgumentException("start index and shift must be >= 0: " + startIndex + ", " + replicaShift);
        }
    }

    /** Random start index and shift drawn from {@code random} for {@code brokers} brokers. */
    public static PlacementStart random(RandomGenerator random, int brokers) {
        return new PlacementStart(random.nextInt(brokers), random.nextInt(brokers));
    }

    /** Start index and shift both {@code index}, as Kafka does with a fixed start. */
    public static PlacementStart fixed(int index) {
        return new PlacementStart(index, index);
    }
}

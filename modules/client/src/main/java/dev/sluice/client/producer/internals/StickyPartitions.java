package dev.sluice.client.producer.internals;

import dev.sluice.client.metadata.Cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sticky spreading of records without key or partitioner preference (KIP-480): all go to one
 * partition of the topic until a batch has to be started there while the previous one was
 * already full or sent; then a different partition (with a leader) is picked. Batches stay big
 * and, across batches, load still spreads.
 */
final class StickyPartitions {
    private final Map<String, Integer> current = new ConcurrentHashMap<>();

    int partition(String topic, Cluster cluster) {
        Integer p = current.get(topic);
        return p != null && p < cluster.partitionCount(topic) ? p : next(topic, cluster, -1);
    }

    /** Switches away from {@code previous} (unless another thread already has). */
    int next(String topic, Cluster cluster, int previous) {
        return current.compute(topic, (t, p) -> p != null && p != previous && p < cluster.partitionCount(t)
                ? p : pick(t, cluster, previous));
    }

    private static int pick(String topic, Cluster cluster, int previous) {
        List<Integer> available = cluster.availablePartitions(topic);
        int count = cluster.partitionCount(topic);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (available.isEmpty()) {
            return random.nextInt(count);
        }
        if (available.size() == 1) {
            return available.get(0);
        }
        int choice;
        do {
            choice = available.get(random.nextInt(available.size()));
        } while (choice == previous);
        return choice;
    }
}

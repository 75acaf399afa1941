package dev.sluice.client.producer.partition;

import dev.sluice.api.partition.Partitioner;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Every record, keyed or not, to the next partition of its topic in turn ({@code round-robin}). */
public final class RoundRobinPartitioner implements Partitioner {
    public static final String NAME = "round-robin";

    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int partition(String topic, byte[] key, byte[] value, int numPartitions) {
        int next = counters.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement();
        return (next & 0x7fffffff) % numPartitions;
    }
}

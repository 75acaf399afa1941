package dev.sluice.streams.test;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.serde.Serde;

import java.util.List;

/**
 * Pipes records into a topic of a {@link TopologyTestDriver}; each is processed completely (through
 * repartition topics too) before the call returns. Records without a timestamp get the topic's clock,
 * which starts at 0 and advances by a fixed step per record. Test thread only.
 */
public final class TestInputTopic<K, V> {
    private final TopologyTestDriver driver;
    private final String topic;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final long advanceMs;
    private long clock;

    TestInputTopic(TopologyTestDriver driver, String topic, Serde<K> keySerde, Serde<V> valueSerde, long startMs, long advanceMs) {
        this.driver = driver;
        this.topic = topic;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.clock = startMs;
        this.advanceMs = advanceMs;
    }

    public void pipeInput(K key, V value, long timestamp) {
        driver.pipe(topic, keySerde.serialize(topic, key), valueSerde.serialize(topic, value), timestamp);
    }

    public void pipeInput(K key, V value) {
        pipeInput(key, value, clock);
        clock += advanceMs;
    }

    public void pipeInput(V value) {
        pipeInput(null, value);
    }

    public void pipeKeyValueList(List<KeyValue<K, V>> records) {
        records.forEach(kv -> pipeInput(kv.key(), kv.value()));
    }

    /** Moves this topic's clock forward. */
    public void advanceTime(long ms) {
        clock += ms;
    }
}

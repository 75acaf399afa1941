package dev.sluice.streams.test;

import dev.sluice.streams.KeyValue;
import dev.sluice.streams.serde.Serde;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Reads what the topology under test wrote to a topic, oldest first; each read consumes. Test thread only. */
public final class TestOutputTopic<K, V> {
    private final TopologyTestDriver driver;
    private final String topic;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;

    TestOutputTopic(TopologyTestDriver driver, String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        this.driver = driver;
        this.topic = topic;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    public TestRecord<K, V> readRecord() {
        TopologyTestDriver.Output out = driver.poll(topic);
        if (out == null) {
            throw new NoSuchElementException("no more records in " + topic);
        }
        return new TestRecord<>(keySerde.deserialize(topic, out.key()), valueSerde.deserialize(topic, out.value()),
                out.timestamp(), out.headers());
    }

    public V readValue() {
        return readRecord().value();
    }

    public KeyValue<K, V> readKeyValue() {
        TestRecord<K, V> r = readRecord();
        return KeyValue.pair(r.key(), r.value());
    }

    public List<TestRecord<K, V>> readRecordsToList() {
        List<TestRecord<K, V>> out = new ArrayList<>();
        while (!isEmpty()) {
            out.add(readRecord());
        }
        return out;
    }

    public List<KeyValue<K, V>> readKeyValuesToList() {
        List<KeyValue<K, V>> out = new ArrayList<>();
        while (!isEmpty()) {
            out.add(readKeyValue());
        }
        return out;
    }

    public List<V> readValuesToList() {
        List<V> out = new ArrayList<>();
        while (!isEmpty()) {
            out.add(readValue());
        }
        return out;
    }

    /** The last value per key (a null value removes the key), in first-seen key order. */
    public Map<K, V> readKeyValuesToMap() {
        Map<K, V> out = new LinkedHashMap<>();
        for (KeyValue<K, V> kv : readKeyValuesToList()) {
            if (kv.value() == null) {
                out.remove(kv.key());
            } else {
                out.put(kv.key(), kv.value());
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return driver.queueSize(topic) == 0;
    }

    public long getQueueSize() {
        return driver.queueSize(topic);
    }
}

package dev.sluice.streams.internals;

import dev.sluice.api.record.Header;

import java.util.List;

/** Where a task's output goes: sink records and changelog records. The runtime sends; the test driver keeps them. */
public interface RecordCollector {
    /** @param partition null: by the key's murmur2 hash, as Kafka's default partitioner */
    void send(String topic, Integer partition, byte[] key, byte[] value, long timestamp, List<Header> headers);
}

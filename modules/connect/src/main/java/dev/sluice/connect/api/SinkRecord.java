package dev.sluice.connect.api;

import dev.sluice.api.record.Header;
import dev.sluice.connect.data.Schema;

import java.util.List;

/** A record read from a topic for a sink task, converted, with its offset. */
public record SinkRecord(String topic, Integer kafkaPartition, Schema keySchema, Object key, Schema valueSchema,
                         Object value, long kafkaOffset, Long timestamp, List<Header> headers)
        implements ConnectRecord<SinkRecord> {

    public SinkRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    @Override
    public SinkRecord newRecord(String newTopic, Integer newPartition, Schema newKeySchema, Object newKey,
                                Schema newValueSchema, Object newValue, Long newTimestamp) {
        return new SinkRecord(newTopic, newPartition, newKeySchema, newKey, newValueSchema, newValue, kafkaOffset,
                newTimestamp, headers);
    }
}

package dev.sluice.connect.api;

import dev.sluice.api.record.Header;
import dev.sluice.connect.data.Schema;

import java.util.List;
import java.util.Map;

/**
 * A record a source task read, with where it read it from: {@code sourcePartition} names the stream
 * (e.g. {@code {"filename": "/var/log/app.log"}}), {@code sourceOffset} the position after it (e.g.
 * {@code {"position": 1234}}); the worker stores the latest offset per partition once the record is
 * acknowledged, and hands it back through {@link SourceTaskContext#offset} after a restart. Values in
 * the maps: strings, numbers, booleans.
 */
public record SourceRecord(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic,
                           Integer kafkaPartition, Schema keySchema, Object key, Schema valueSchema, Object value,
                           Long timestamp, List<Header> headers) implements ConnectRecord<SourceRecord> {

    public SourceRecord {
        sourcePartition = sourcePartition == null ? Map.of() : Map.copyOf(sourcePartition);
        sourceOffset = sourceOffset == null ? Map.of() : Map.copyOf(sourceOffset);
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public SourceRecord(Map<String, ?> sourcePartition, Map<String, ?> sourceOffset, String topic, Schema valueSchema,
                        Object value) {
        this(sourcePartition, sourceOffset, topic, null, null, null, valueSchema, value, null, List.of());
    }

    @Override
    public SourceRecord newRecord(String newTopic, Integer newPartition, Schema newKeySchema, Object newKey,
                                  Schema newValueSchema, Object newValue, Long newTimestamp) {
        return new SourceRecord(sourcePartition, sourceOffset, newTopic, newPartition, newKeySchema, newKey,
                newValueSchema, newValue, newTimestamp, headers);
    }
}

package dev.sluice.connect.api;

import dev.sluice.api.record.Header;
import dev.sluice.connect.data.Schema;

import java.util.List;

/**
 * What source and sink records share: where the record goes or came from, and its key and value in
 * Connect's data model. Transformations rewrite records through {@link #newRecord}.
 *
 * @param <R> the record's own type
 */
public sealed interface ConnectRecord<R extends ConnectRecord<R>> permits SourceRecord, SinkRecord {
    String topic();

    /** The partition, or null to let the producer's partitioner choose (source records). */
    Integer kafkaPartition();

    Schema keySchema();

    Object key();

    Schema valueSchema();

    Object value();

    /** Milliseconds since the epoch, or null. */
    Long timestamp();

    List<Header> headers();

    /** The same record with another destination, key, value or timestamp (everything else kept). */
    R newRecord(String topic, Integer kafkaPartition, Schema keySchema, Object key, Schema valueSchema, Object value,
                Long timestamp);
}

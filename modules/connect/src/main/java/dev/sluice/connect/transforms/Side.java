package dev.sluice.connect.transforms;

import dev.sluice.connect.api.ConnectRecord;
import dev.sluice.connect.data.Schema;

/** Which part of a record a {@code $Key} or {@code $Value} transform works on. */
enum Side {
    KEY, VALUE;

    Schema schema(ConnectRecord<?> r) {
        return this == KEY ? r.keySchema() : r.valueSchema();
    }

    Object value(ConnectRecord<?> r) {
        return this == KEY ? r.key() : r.value();
    }

    <R extends ConnectRecord<R>> R replace(R r, Schema schema, Object value) {
        return this == KEY
                ? r.newRecord(r.topic(), r.kafkaPartition(), schema, value, r.valueSchema(), r.value(), r.timestamp())
                : r.newRecord(r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), schema, value, r.timestamp());
    }
}
